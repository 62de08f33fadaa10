/**
 * The flow of the interactive app as one reducer: login → campaigns → filters → file names → list → download →
 * summary. Screens only report what the user decided; async work (login, listing, planning, the run) happens in
 * app.tsx and comes back as actions. Going back never loses what was typed: every step's input lives here.
 */
import type {ShownPlan} from './lib/engine/plan.js';
import type {RunSummary} from './lib/engine/run.js';
import type {LimitCheck} from './lib/limits/limits.js';
import type {RunResult} from './lib/run/pipeline.js';
import type {RunHandle} from './lib/run/state.js';
import type {ExportMode} from './lib/searches/model.js';
import type {Campaign, Channel, Contact, Source, SourceUser, TranscriptChoice} from './lib/sources/model.js';

export type Step = 'login' | 'campaigns' | 'filters' | 'file-name' | 'list' | 'download' | 'summary' | OverlayStep;
/** Screens opened over the flow that return to where they were opened. */
export type OverlayStep = 'profiles' | 'history' | 'save-search';
export const steps: readonly Step[] = ['login', 'campaigns', 'filters', 'file-name', 'list', 'download', 'summary'];

export interface LoginInput {
	/** The platform's key (ccm, twilio, webex-cc). @default 'ccm' */
	platform?: string;
	company: string;
	username: string;
	/** Overrides the company's URL (from --server). */
	server: string;
	/** The server was given on the command line (not remembered): it stays when another platform is chosen. */
	serverGiven?: boolean;
}

export interface FilterValues {
	/** As typed: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, local time; empty = open. */
	from: string;
	to: string;
	/** Empty = all channels. */
	channels: Channel[];
	includeArchived: boolean;
	overwrite: boolean;
	outDir: string;
	transcripts: TranscriptChoice;
	/** full, transcripts-only or metadata-only. @default 'full' */
	mode?: ExportMode;
}

export interface NamingValues {
	template: string;
	dateFormat: string;
}

export interface FlowState {
	step: Step;
	login: LoginInput;
	session?: {source: Source; user: SourceUser};
	campaigns: Campaign[];
	selectedCampaigns: string[];
	filters: FilterValues;
	naming: NamingValues;
	/** Contacts listed for the current filters (preview on the file-name screen, then the plan). */
	contacts?: Contact[];
	/**
	 * The listing behind `contacts`: it goes on after its first page, while the user names the files and watches
	 * the list fill. A plan is complete only once it is done.
	 */
	/** How far the listing is; `waitSeconds` while the server has asked it to wait (until the next page). */
	listing?: {count: number; done: boolean; waitSeconds?: number};
	plan?: ShownPlan;
	/** The plan has every listed contact, its free space checked: the download may start. */
	planComplete?: boolean;
	/** What the limits would leave out of the plan if it started now (shown before starting). */
	limitPreview?: LimitCheck;
	run?: RunHandle;
	summary?: RunSummary;
	/** The whole result of the last run: limits, claims, manifest, exit code. */
	result?: RunResult;
	manifestPath?: string;
	/** Work in progress, shown instead of accepting input (message key and parameters). */
	busy?: {key: string; params?: Record<string, string | number>};
	/** The last error, already in the user's language. */
	error?: string;
	showHelp: boolean;
	/** Where an overlay screen (profiles, history, save search) returns to. */
	returnTo?: Step;
}

export type FlowAction =
	| {type: 'busy'; key: string; params?: Record<string, string | number>}
	| {type: 'failed'; message: string}
	| {type: 'logged-in'; login: LoginInput; source: Source; user: SourceUser; campaigns: Campaign[]}
	| {type: 'campaigns-chosen'; ids: string[]}
	/** The listing's first page is in: name the files while the rest arrives. */
	| {type: 'listed'; filters: FilterValues; contacts: Contact[]; listing: {count: number; done: boolean}}
	| {type: 'listing-progress'; count: number; done: boolean}
	| {type: 'listing-wait'; seconds: number}
	/** A plan to show on the list (complete, or the pages listed so far). */
	| {type: 'planned'; naming: NamingValues; plan: ShownPlan; complete: boolean; limitPreview?: LimitCheck}
	/** The plan on the list grew by the pages listed since (and is complete once the listing is done). */
	| {type: 'plan-grew'; plan: ShownPlan; complete: boolean; limitPreview?: LimitCheck}
	| {type: 'download-started'; run: RunHandle}
	| {type: 'download-finished'; result: RunResult}
	/** Esc: one step back, keeping what the screen had typed so far. */
	| {type: 'back'; keep?: {selectedCampaigns?: string[]; filters?: FilterValues; naming?: NamingValues}}
	| {type: 'new-search'}
	| {type: 'toggle-help'}
	| {type: 'open-overlay'; step: OverlayStep}
	| {type: 'close-overlay'};

export function initialFlow(values: {login: LoginInput; filters: FilterValues; naming: NamingValues}): FlowState {
	return {step: 'login', campaigns: [], selectedCampaigns: [], showHelp: false, ...values};
}

const previous: Partial<Record<Step, Step>> = {
	campaigns: 'login',
	filters: 'campaigns',
	'file-name': 'filters',
	list: 'file-name',
	summary: 'list',
};

export function flowReducer(state: FlowState, action: FlowAction): FlowState {
	switch (action.type) {
		case 'busy': {
			return {...state, busy: {key: action.key, ...(action.params ? {params: action.params} : {})}, error: undefined};
		}

		case 'failed': {
			return {...state, busy: undefined, error: action.message};
		}

		case 'logged-in': {
			const visible = new Set(action.campaigns.map(campaign => campaign.id));
			return {
				...state,
				step: 'campaigns',
				busy: undefined,
				error: undefined,
				login: action.login,
				session: {source: action.source, user: action.user},
				campaigns: action.campaigns,
				// A different user may see different campaigns: keep only choices that still exist.
				selectedCampaigns: state.selectedCampaigns.filter(id => visible.has(id)),
			};
		}

		case 'campaigns-chosen': {
			return {...state, step: 'filters', selectedCampaigns: action.ids, error: undefined};
		}

		case 'listed': {
			return {...state, step: 'file-name', busy: undefined, error: undefined, filters: action.filters, contacts: action.contacts, listing: action.listing};
		}

		case 'listing-progress': {
			return {...state, listing: {count: action.count, done: action.done}};
		}

		case 'listing-wait': {
			return state.listing ? {...state, listing: {...state.listing, waitSeconds: action.seconds}} : state;
		}

		case 'planned': {
			return {
				...state, step: 'list', busy: undefined, error: undefined, naming: action.naming, plan: action.plan, planComplete: action.complete,
				limitPreview: action.limitPreview,
			};
		}

		case 'plan-grew': {
			return {...state, plan: action.plan, planComplete: action.complete, limitPreview: action.limitPreview};
		}

		case 'download-started': {
			return {...state, step: 'download', run: action.run, summary: undefined, error: undefined};
		}

		case 'download-finished': {
			return {
				...state, step: 'summary', summary: action.result.summary, result: action.result, manifestPath: action.result.manifest?.csv ?? '', busy: undefined,
			};
		}

		case 'back': {
			if (state.showHelp) {
				return {...state, showHelp: false};
			}

			if (state.busy) {
				return state;
			}

			const step = previous[state.step];
			return step ? {...state, ...action.keep, step, error: undefined} : state;
		}

		case 'new-search': {
			return {...state, step: 'filters', run: undefined, summary: undefined, plan: undefined, error: undefined};
		}

		case 'toggle-help': {
			return {...state, showHelp: !state.showHelp};
		}

		case 'open-overlay': {
			const isOverlay = state.step === 'profiles' || state.step === 'history' || state.step === 'save-search';
			return isOverlay || state.busy ? state : {...state, returnTo: state.step, step: action.step, error: undefined};
		}

		case 'close-overlay': {
			return {...state, step: state.returnTo ?? 'campaigns', returnTo: undefined, error: undefined};
		}
	}
}
