/**
 * The interactive app: the flow reducer, the async work behind each step (login, listing, planning, the run), and
 * the frame around the current screen (title, user, steps, status bar, help overlay).
 */
import path from 'node:path';
import {once} from 'node:events';
import {Box, Text, useApp, useInput, useWindowSize} from 'ink';
import {useCallback, useReducer, useRef, useState} from 'react';
import {HelpOverlay} from './components/help-overlay.js';
import {type FilterValues, flowReducer, initialFlow, type LoginInput, type NamingValues} from './flow.js';
import {useI18n} from './hooks/use-i18n.js';
import {useTheme} from './hooks/use-theme.js';
import {parseUserInstant} from './lib/dates.js';
import type {Plan, PlannedFile, Planner, ShownPlan} from './lib/engine/plan.js';
import {describeError} from './lib/i18n/describe-error.js';
import type {Translator} from './lib/i18n/index.js';
import {openJournal, type RunRecord} from './lib/journal/journal.js';
import {checkLimit} from './lib/limits/limits.js';
import {contactsToExport} from './lib/limits/plan.js';
import {loginCompany} from './lib/profiles/run-profiles.js';
import {ProfileStore} from './lib/profiles/store.js';
import {listingPages, login as loginTo, openPlanner, queryOf, type RunResult, startRun} from './lib/run/pipeline.js';
import type {RunRequest} from './lib/run/request.js';
import {companyUrl} from './lib/sources/company-url.js';
import {platformInfo} from './lib/sources/registry.js';
import type {SettingsStore} from './lib/settings/settings.js';
import type {Contact} from './lib/sources/model.js';
import {visible} from './lib/text/visible.js';
import {CampaignsScreen} from './screens/campaigns/campaigns-screen.js';
import {DownloadScreen} from './screens/download/download-screen.js';
import {FileNameScreen} from './screens/file-name/file-name-screen.js';
import {FiltersScreen} from './screens/filters/filters-screen.js';
import {ListScreen} from './screens/list/list-screen.js';
import {HistoryScreen} from './screens/history/history-screen.js';
import {LoginScreen} from './screens/login/login-screen.js';
import {ProfilesScreen} from './screens/profiles/profiles-screen.js';
import {SaveSearchScreen} from './screens/save-search/save-search-screen.js';
import {SummaryScreen} from './screens/summary/summary-screen.js';

export interface AppProps {
	readonly initial: {login: LoginInput; filters: FilterValues; naming: NamingValues};
	readonly timeZone: string;
	readonly settings: SettingsStore;
	/** Shown on the login screen, e.g. the demo accounts. */
	readonly hint?: string;
	/** Files at once. @default 8 */
	readonly concurrency?: number;
	/** The platform to log in to. @default 'ccm' */
	readonly platform?: string;
	/** Called once with the exit code when the user quits. */
	readonly onExit: (code: number, message?: string) => void;
}

const previewSamples = 5;

/**
 * The listing of the current filters, kept outside React state: it goes on after its first page while the user
 * names the files, and the plan on the list grows page by page as it arrives.
 */
interface Listing {
	contacts: Contact[];
	done: boolean;
	/** Why it stopped early; a plan of it can never complete. */
	error?: unknown;
	/** The planner's work, one step at a time in the order asked for (a page never overtakes the plan it joins). */
	queue: Promise<void>;
	planning?: Planning;
}

/** The plan being made of a listing under one choice of file names. */
interface Planning {
	naming: NamingValues;
	planner: Planner;
	/** How many of the listing's contacts the planner has been given. */
	covered: number;
	contacts: Contact[];
	files: Array<PlannedFile<Contact>>;
	complete: boolean;
	/** When the list last got the plan (ms). */
	shownAt: number;
	/** d was pressed while the plan was still growing: the download starts once it is complete. */
	downloadWhenComplete: boolean;
}

/** Drops a listing's plan (the user chose other names or went back); its destination connection is closed. */
function dropPlanning(listing: Listing | undefined): void {
	const planning = listing?.planning;
	if (listing && planning) {
		listing.planning = undefined;
		void planning.planner.sink.close().catch(() => undefined);
	}
}

/** The line left on the terminal once the app is gone: the run's outcome, in the app's language. */
export function farewellOf(result: Pick<RunResult, 'summary' | 'plan' | 'manifest'>, translator: Translator, interrupted = false): string {
	const {summary, plan, manifest} = result;
	if (interrupted) {
		return translator.t('summary.farewell.interrupted', {valid: translator.number(summary.valid), folder: plan.outDir});
	}

	return translator.t(manifest ? 'summary.farewell.manifest' : 'summary.farewell', {
		valid: translator.number(summary.valid), skipped: translator.number(summary.skipped), failed: translator.number(summary.failed),
		folder: plan.outDir, manifest: manifest?.csv ?? '',
	});
}

export function App({initial, timeZone, settings, hint, concurrency = 8, platform = 'ccm', onExit}: AppProps) {
	const [state, dispatch] = useReducer(flowReducer, initial, initialFlow);
	const translator = useI18n();
	const {t} = translator;
	const theme = useTheme();
	const {columns} = useWindowSize();
	const {exit, suspendTerminal} = useApp();
	const stateRef = useRef(state);
	stateRef.current = state;
	const listingAbort = useRef<AbortController | undefined>(undefined);
	const listingRef = useRef<Listing | undefined>(undefined);
	const [downloadQueued, setDownloadQueued] = useState(false);
	const quitAfterRun = useRef(false);

	/** Quits; `message` is printed on the terminal's own screen once the app's screen is gone (so it stays). */
	const quit = useCallback((code: number, message?: string) => {
		// A listing still going would hold the process (its requests keep the event loop alive) until it is complete,
		// with the screen already gone and nothing said.
		listingAbort.current?.abort();
		dropPlanning(listingRef.current);
		listingRef.current = undefined;
		onExit(code, message);
		exit();
	}, [exit, onExit]);

	const fail = useCallback((error: unknown) => {
		dispatch({type: 'failed', message: describeError(error, translator)});
	}, [translator]);

	const help = useCallback(() => {
		dispatch({type: 'toggle-help'});
	}, []);

	// Back from the list keeps the listing going (the names may change, the contacts do not).
	const backFromList = useCallback(() => {
		dropPlanning(listingRef.current);
		setDownloadQueued(false);
		dispatch({type: 'back'});
	}, []);
	const backFromCampaigns = useCallback((ids: string[]) => {
		dispatch({type: 'back', keep: {selectedCampaigns: ids}});
	}, []);
	const backFromFilters = useCallback((filters: FilterValues) => {
		listingAbort.current?.abort();
		dispatch({type: 'back', keep: {filters}});
	}, []);
	const backFromNaming = useCallback((naming: NamingValues) => {
		listingAbort.current?.abort();
		dropPlanning(listingRef.current);
		// Abandoned: planner work still queued for it sees this and shows nothing.
		listingRef.current = undefined;
		dispatch({type: 'back', keep: {naming}});
	}, []);

	useInput((input, key) => {
		if (key.ctrl && input === 'z') {
			// Ctrl-Z, as in any terminal program: the terminal is handed back as it was (raw mode off, main screen,
			// cursor shown), the process stops, and `fg` brings the screen back, redrawn. A download pauses meanwhile.
			void suspendTerminal(async () => {
				const resumed = once(process, 'SIGCONT');
				// To the whole process group, as the terminal itself would: started through npm or npx, the parents
				// must stop too, or the shell never gets the terminal back.
				process.kill(0, 'SIGTSTP');
				await resumed;
			}).catch(() => undefined);
			return;
		}

		if (key.ctrl && input === 'c') {
			const {run} = stateRef.current;
			if (run && stateRef.current.step === 'download') {
				// The run winds down (partials kept), the manifest is written, then the app exits.
				run.cancel();
				dispatch({type: 'busy', key: 'quit.during-download'});
				quitAfterRun.current = true;
				return;
			}

			// On the summary the run is over: Ctrl-C quits as q does, with the run's exit code and its outcome line.
			const {result} = stateRef.current;
			if (stateRef.current.step === 'summary' && result) {
				quit(result.exitCode, farewellOf(result, translator));
				return;
			}

			quit(130);
			return;
		}

		if (state.showHelp && (input === '?' || key.escape)) {
			dispatch({type: 'toggle-help'});
			return;
		}

		// Ctrl-P download profiles, Ctrl-T history of runs: from any step between login and download; s on the
		// list saves the search.
		const {step} = stateRef.current;
		const between = ['campaigns', 'filters', 'file-name', 'list', 'summary'].includes(step);
		if (key.ctrl && input === 'p' && between) {
			void openProfiles();
		} else if (key.ctrl && input === 't' && (between || step === 'login')) {
			openHistory();
		} else if (input === 's' && !key.ctrl && step === 'list') {
			dispatch({type: 'open-overlay', step: 'save-search'});
		}
	});

	const [runs, setRuns] = useState<RunRecord[]>([]);
	const openHistory = useCallback(() => {
		try {
			const journal = openJournal();
			try {
				setRuns(journal.runs());
			} finally {
				journal.close();
			}

			dispatch({type: 'open-overlay', step: 'history'});
		} catch (error) {
			fail(error);
		}
	}, [fail]);
	const closeOverlay = useCallback(() => {
		dispatch({type: 'close-overlay'});
	}, []);

	const [profileStore, setProfileStore] = useState<ProfileStore | undefined>(undefined);
	const openProfiles = useCallback(async () => {
		try {
			setProfileStore(await ProfileStore.load());
			dispatch({type: 'open-overlay', step: 'profiles'});
		} catch (error) {
			fail(error);
		}
	}, [fail]);

	const login = useCallback(async (input: LoginInput & {password: string}) => {
		dispatch({type: 'busy', key: 'busy.login'});
		try {
			const chosen = input.platform ?? stateRef.current.login.platform ?? platform;
			const server = input.server.trim() || platformInfo(chosen).defaultServer || companyUrl(input.company.trim());
			const source = await loginTo({
				platform: chosen, server, ...(input.company.trim() ? {company: input.company.trim()} : {}), username: input.username,
			}, input.password);
			const campaigns = await source.campaigns();
			settings.set({platform: chosen, company: input.company.trim(), username: input.username, ...(input.server.trim() ? {server: input.server.trim()} : {})});
			dispatch({type: 'logged-in', login: {platform: chosen, company: input.company, username: input.username, server: input.server}, source, user: source.user, campaigns});
		} catch (error) {
			fail(error);
		}
	}, [fail, platform, settings]);

	/** The run request the screens add up to: the same shape `ccdl download` builds from flags. */
	const requestOf = useCallback((state: typeof stateRef.current, filters = state.filters, naming = state.naming): RunRequest => ({
		platform: state.session?.source.platform ?? state.login.platform ?? platform,
		server: state.session?.source.baseUrl ?? state.login.server,
		...(state.login.company.trim() ? {company: state.login.company.trim()} : {}),
		username: state.session?.user.username ?? state.login.username,
		...(filters.from.trim() ? {from: parseUserInstant('from', filters.from, timeZone)} : {}),
		...(filters.to.trim() ? {to: parseUserInstant('to', filters.to, timeZone)} : {}),
		timeZone,
		campaigns: state.selectedCampaigns,
		channels: filters.channels,
		includeArchived: filters.includeArchived,
		overwrite: filters.overwrite,
		out: filters.outDir,
		template: naming.template,
		dateFormat: naming.dateFormat,
		transcripts: filters.transcripts,
		mode: filters.mode ?? 'full',
		concurrency,
		archive: true,
		csvBom: false,
	}), [concurrency, platform, timeZone]);

	/** Runs planner work after what is already queued; a failure is shown, unless the listing was abandoned. */
	const enqueue = useCallback((listing: Listing, task: () => Promise<void>) => {
		listing.queue = listing.queue.then(task).catch((error: unknown) => {
			if (listingRef.current === listing) {
				fail(error);
			}
		});
	}, [fail]);

	const downloadRef = useRef<(planned: ShownPlan) => Promise<void>>(async () => undefined);

	/**
	 * Gives the planner the contacts listed since it last ran and shows the plan: on the list the first time
	 * (`announce`), then as it grows. Once the listing is done the plan is finished (free space, limits).
	 */
	const growPlan = useCallback(async (listing: Listing, announce = false) => {
		const planning = listing.planning;
		if (!planning || planning.complete) {
			return;
		}

		const end = listing.contacts.length;
		if (!announce && end === planning.covered && !listing.done) {
			return;
		}

		if (end > planning.covered) {
			const page = await planning.planner.add(listing.contacts.slice(planning.covered, end));
			planning.covered = end;
			// Appended in place: copying a growing plan on every page would be quadratic in the listing.
			for (const contact of page.contacts) {
				planning.contacts.push(contact);
			}

			for (const file of page.files) {
				planning.files.push(file);
			}
		}

		const complete = listing.done && planning.covered === listing.contacts.length;
		// The list redraws its rows from the whole plan: a few times a second is enough while it grows.
		if (!announce && !complete && Date.now() - planning.shownAt < 300) {
			return;
		}

		planning.shownAt = Date.now();
		const totals = complete ? await planning.planner.finish() : planning.planner.current();
		if (listing.planning !== planning) {
			return;
		}

		// While it grows, the screen gets copies (a few a second): what it shows then matches the totals beside it.
		const built: ShownPlan = {
			...totals, contacts: complete ? planning.contacts : [...planning.contacts], files: complete ? planning.files : [...planning.files],
		};
		let limitPreview;
		const {session} = stateRef.current;
		if (complete && session) {
			// What the limits would leave out if the run started now, said before it starts (read only: the
			// reservation is made when the download starts).
			const journal = openJournal();
			try {
				limitPreview = checkLimit(journal, session.source.baseUrl, contactsToExport(built).length, new Date(), {timeZone});
			} finally {
				journal.close();
			}
		}

		planning.complete = complete;
		const preview = limitPreview && !limitPreview.ok ? {limitPreview} : {};
		dispatch(announce ? {type: 'planned', naming: planning.naming, plan: built, complete, ...preview} : {type: 'plan-grew', plan: built, complete, ...preview});
		if (complete && planning.downloadWhenComplete) {
			setDownloadQueued(false);
			void downloadRef.current(built);
		}
	}, [timeZone]);

	const list = useCallback(async (filters: FilterValues) => {
		const {session, selectedCampaigns} = stateRef.current;
		if (!session) {
			return;
		}

		listingAbort.current?.abort();
		dropPlanning(listingRef.current);
		const controller = new AbortController();
		listingAbort.current = controller;
		const listing: Listing = {contacts: [], done: false, queue: Promise.resolve()};
		listingRef.current = listing;
		dispatch({type: 'busy', key: 'busy.listing', params: {count: 0}});
		let first = true;
		const shown = (done: boolean) => {
			const progress = {count: listing.contacts.length, done};
			if (first) {
				// The first page is enough to name the files by: the rest is listed meanwhile.
				first = false;
				settings.set({outDir: filters.outDir});
				dispatch({type: 'listed', filters, contacts: listing.contacts, listing: progress});
			} else {
				dispatch({type: 'listing-progress', ...progress});
			}
		};

		try {
			const query = await queryOf(session.source, {...requestOf(stateRef.current, filters), campaigns: selectedCampaigns}, controller.signal);
			// A server that asks the listing to wait: said where the listing's progress is, until the next page comes.
			const onWait = (seconds: number) => {
				if (listingRef.current !== listing) {
					return;
				}

				if (first) {
					dispatch({type: 'busy', key: 'busy.listing.wait', params: {count: listing.contacts.length, seconds: Math.ceil(seconds)}});
				} else {
					dispatch({type: 'listing-wait', seconds: Math.ceil(seconds)});
				}
			};

			for await (const batch of listingPages(session.source, query, {signal: controller.signal, onWait})) {
				for (const contact of batch) {
					listing.contacts.push(contact);
				}

				shown(false);
				enqueue(listing, async () => growPlan(listing));
			}

			listing.done = true;
			shown(true);
			enqueue(listing, async () => growPlan(listing));
		} catch (error) {
			listing.error = error;
			if (!controller.signal.aborted) {
				fail(error);
			}
		}
	}, [enqueue, fail, growPlan, requestOf, settings]);

	const plan = useCallback(async (naming: NamingValues) => {
		const listing = listingRef.current;
		if (!listing) {
			return;
		}

		if (listing.error) {
			fail(listing.error);
			return;
		}

		dropPlanning(listing);
		setDownloadQueued(false);
		dispatch({type: 'busy', key: 'busy.planning'});
		const request = requestOf(stateRef.current, undefined, naming);
		enqueue(listing, async () => {
			const planner = await openPlanner(request);
			if (listingRef.current !== listing) {
				await planner.sink.close().catch(() => undefined);
				return;
			}

			listing.planning = {naming, planner, covered: 0, contacts: [], files: [], complete: false, shownAt: 0, downloadWhenComplete: false};
			settings.set({template: naming.template, dateFormat: naming.dateFormat});
			await growPlan(listing, true);
		});
	}, [enqueue, fail, growPlan, requestOf, settings]);

	const download = useCallback(async (planned: ShownPlan) => {
		const {session} = stateRef.current;
		if (!session) {
			return;
		}

		// The run owns the plan's destination from here (it closes it); the listing's plan is done.
		const listing = listingRef.current;
		if (listing) {
			listing.planning = undefined;
		}

		// The same pipeline as `ccdl download`: journal, claims, limits, profiles, manifest.
		let started;
		try {
			started = await startRun(session.source, planned, requestOf(stateRef.current));
		} catch (error) {
			fail(error);
			return;
		}

		dispatch({type: 'download-started', run: started.run});
		try {
			const result = await started.result;
			dispatch({type: 'download-finished', result});
			if (quitAfterRun.current) {
				quit(130, farewellOf(result, translator, true));
			}
		} catch (error) {
			fail(error);
		}
	}, [fail, quit, requestOf, translator]);
	downloadRef.current = download;

	/** d on the list: the run starts now, or (the plan still growing) as soon as the listing is complete. */
	const downloadFromList = useCallback(() => {
		const planning = listingRef.current?.planning;
		// The listing's own record, not React state, which may not have caught up with a plan just completed.
		if (planning && !planning.complete) {
			planning.downloadWhenComplete = true;
			setDownloadQueued(true);
			return;
		}

		const {plan: planned} = stateRef.current;
		if (planned) {
			void download(planned);
		}
	}, [download]);

	const retryFailed = useCallback(() => {
		const {plan: planned, summary} = stateRef.current;
		if (!planned || !summary) {
			return;
		}

		const failed = new Set(summary.failures.map(outcome => outcome.file.fileId));
		const files = planned.files.filter(file => failed.has(file.fileId));
		void download({...planned, files, downloadBytes: files.reduce((sum, file) => sum + (file.size ?? 0), 0)});
	}, [download]);

	const active = !state.showHelp && !state.busy;
	const user = state.session?.user;
	let screen;
	switch (state.step) {
		case 'login': {
			screen = (
				<LoginScreen initial={state.login} busy={state.busy !== undefined} error={state.error}
					onSubmit={input => void login(input)} onHelp={help} isActive={!state.showHelp}/>
			);
			break;
		}

		case 'campaigns': {
			screen = (
				<CampaignsScreen campaigns={state.campaigns} selected={state.selectedCampaigns} user={user!} groups={state.session?.source.capabilities.groups}
					onSubmit={ids => {
						dispatch({type: 'campaigns-chosen', ids});
					}} onBack={backFromCampaigns} onHelp={help} isActive={active}/>
			);
			break;
		}

		case 'filters': {
			screen = (
				<FiltersScreen value={state.filters} timeZone={timeZone} busy={state.busy !== undefined} archivedByJournal={state.session?.source.capabilities.markArchived === false}
					busyText={state.busy ? t(state.busy.key, state.busy.params) : undefined} error={state.error}
					onSubmit={filters => void list(filters)} onBack={backFromFilters} onHelp={help} isActive={!state.showHelp}/>
			);
			break;
		}

		case 'file-name': {
			screen = (
				<FileNameScreen value={state.naming} samples={(state.contacts ?? []).filter(contact => !contact.recycled).slice(0, previewSamples)}
					timeZone={timeZone} busy={state.busy !== undefined} busyText={state.busy ? t(state.busy.key, state.busy.params) : undefined}
					error={state.error} onSubmit={naming => void plan(naming)} onBack={backFromNaming} onHelp={help} isActive={!state.showHelp}/>
			);
			break;
		}

		case 'list': {
			screen = (
				<ListScreen plan={state.plan!} archivedByJournal={state.session?.source.capabilities.markArchived === false}
					growing={state.planComplete === false ? {listed: state.listing?.count ?? state.plan!.contacts.length, downloadQueued, ...state.listing?.waitSeconds ? {waitSeconds: state.listing.waitSeconds} : {}} : undefined}
					onDownload={downloadFromList} onBack={backFromList} onHelp={help} isActive={active}/>
			);
			break;
		}

		case 'download': {
			screen = (
				<DownloadScreen run={state.run!} onCancel={() => {
					state.run?.cancel();
				}} onHelp={help} isActive={active}/>
			);
			break;
		}

		case 'profiles': {
			const {session} = state;
			const company = session ? loginCompany({company: state.login.company.trim() || undefined}, session.source) : state.login.company.trim() || undefined;
			screen = profileStore ? (
				<ProfilesScreen store={profileStore} campaigns={state.campaigns} company={company}
					onClose={closeOverlay} onHelp={help} isActive={!state.showHelp}/>
			) : null;
			break;
		}

		case 'history': {
			screen = <HistoryScreen runs={runs} onClose={closeOverlay} onHelp={help} isActive={!state.showHelp}/>;
			break;
		}

		case 'save-search': {
			const {filters, naming, session, login, selectedCampaigns, campaigns} = state;
			const from = filters.from.trim();
			const to = filters.to.trim();
			screen = (
				<SaveSearchScreen draft={{
					...(session && session.source.platform !== 'ccm' ? {platform: session.source.platform} : {}),
					...(login.server.trim() ? {server: login.server.trim()} : {}),
					...(login.company.trim() ? {company: login.company.trim()} : {}),
					user: session?.user.username ?? login.username,
					// Every campaign selected is saved as "all", so campaigns added later are included too.
					...(selectedCampaigns.length === campaigns.length
						? {campaigns: [], allCampaigns: true} : {campaigns: selectedCampaigns, allCampaigns: false}),
					channels: filters.channels,
					timeZone,
					outDir: path.resolve(filters.outDir),
					template: naming.template,
					dateFormat: naming.dateFormat,
					includeArchived: filters.includeArchived,
					overwrite: filters.overwrite,
					transcripts: filters.transcripts,
					mode: filters.mode ?? 'full',
					noArchive: false,
					csvBom: false,
					...(from && to ? {dateRule: `${from.slice(0, 10)}..${to.slice(0, 10)}`} : {}),
				}} onSaved={closeOverlay} onCancel={closeOverlay} onHelp={help} isActive={!state.showHelp}/>
			);
			break;
		}

		case 'summary': {
			screen = (
				<SummaryScreen summary={state.summary!} plan={state.plan!} manifestPath={state.manifestPath ?? ''} result={state.result}
					archivedByJournal={state.session?.source.capabilities.markArchived === false}
					onRetryFailed={retryFailed} onNewSearch={() => {
						dispatch({type: 'new-search'});
					}} onQuit={() => {
						const {result} = state;
						quit(result?.exitCode ?? (state.summary && state.summary.failed > 0 ? 1 : 0), result ? farewellOf(result, translator) : undefined);
					}} onHelp={help} isActive={active}/>
			);
			break;
		}
	}

	const titleRight = `[${t(`step.${state.step}`)}]${user ? ` ${visible(t('app.user', {name: user.displayName, role: t(`role.${user.role}`)}))}` : ''}`;
	const showTitle = [...t('app.title')].length + 1 + [...titleRight].length <= columns;
	return (
		<Box flexDirection='column'>
			{/* The title gives way before the step and the user do: the line never wraps, whatever the width. */}
			<Box justifyContent='space-between' width={columns}>
				{showTitle ? <Text bold color={theme.accent}>{t('app.title')}</Text> : null}
				<Text color={theme.muted} wrap='truncate-end'>{titleRight}</Text>
			</Box>
			{state.showHelp ? <HelpOverlay step={state.step}/> : null}
			{/* Hidden, not unmounted, under the help: what the screen had typed survives. */}
			<Box display={state.showHelp ? 'none' : 'flex'} flexDirection='column'>{screen}</Box>
			{state.step === 'login' && hint ? <Text color={theme.muted}>{hint}</Text> : null}
			{/* Limits are said before the run starts and again after it: a trimmed run must never look complete. */}
			{state.step === 'list' && state.limitPreview?.reason ? <Text color={theme.warn} wrap='wrap'>{visible(state.limitPreview.reason)}</Text> : null}
			{/* The summary screen says what a limit held back; the claims (another ccdl on the folder) are said here. */}
			{state.step === 'summary' && state.result && state.result.admission.busy.length > 0
				? <Text color={theme.warn} wrap='wrap'>{visible(state.result.admission.lines.filter(line => !/limit/i.test(line)).join(' '))}</Text> : null}
			{state.error && state.step !== 'login' && state.step !== 'filters' && state.step !== 'file-name'
				? <Text color={theme.bad}>{state.error}</Text> : null}
			{state.busy && state.step !== 'login' && state.step !== 'filters' && state.step !== 'file-name'
				? <Text color={theme.warn}>{t(state.busy.key, state.busy.params)}</Text> : null}
			{/* The listing goes on while the files are named: say how far it is. */}
			{state.step === 'file-name' && !state.busy && state.listing && !state.listing.done
				? <Text color={theme.muted}>{t(state.listing.waitSeconds ? 'busy.listing.wait' : 'busy.listing', {count: state.listing.count, seconds: state.listing.waitSeconds ?? 0})}</Text> : null}
			<Text color={theme.muted}>{t('keys.hint')}</Text>
		</Box>
	);
}
