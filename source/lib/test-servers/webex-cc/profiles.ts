/**
 * The tenant's multimedia profiles, as `MultimediaProfileDTO`s of the Webex document. Names keep to the document's
 * pattern (ASCII letters, digits, `.`, `_`, `-`, spaces), which is stricter than ccdl's about accents and looser
 * about dots; these names stay inside both. Two profiles break ccdl's download-profile ranges on purpose, so an
 * importer has something to report: one asks for 20 voice files at once, one has every count at zero.
 */
import {uuidFrom} from './dataset.js';

export interface MultimediaProfile {
	organizationId: string;
	id: string;
	version: number;
	name: string;
	description?: string;
	chat: number;
	email: number;
	telephony: number;
	social: number;
	active: boolean;
	blendingModeEnabled: boolean;
	blendingMode: 'BLENDED' | 'BLENDED_REALTIME' | 'EXCLUSIVE';
	systemDefault: boolean;
	manuallyAssignable?: {telephony: number; chat: number; email: number; social: number};
	createdTime: number;
	lastUpdatedTime: number;
}

type Spec = Omit<MultimediaProfile, 'organizationId' | 'id' | 'version' | 'createdTime' | 'lastUpdatedTime'>;

const specs: Spec[] = [
	{
		name: 'Default_Telephony_Profile', description: 'Rendszer alapértelmezés: egy hanghívás egyszerre.',
		telephony: 1, chat: 0, email: 0, social: 0, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: true,
	},
	{
		name: 'Hang es chat', description: 'Hang és csevegés együtt (nappali műszak).',
		telephony: 1, chat: 3, email: 2, social: 0, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: false,
		manuallyAssignable: {telephony: 1, chat: 2, email: 2, social: 0},
	},
	{
		name: 'Valos ideju vegyes', description: 'Valós idejű: hang mindig, mellette csevegés, e-mail, közösségi.',
		telephony: 1, chat: 2, email: 4, social: 1, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED_REALTIME', systemDefault: false,
	},
	{
		name: 'Egyszerre egy', description: 'Kizárólagos: egyszerre egy ügyfél, csatornánként.',
		telephony: 1, chat: 1, email: 1, social: 1, active: true, blendingModeEnabled: false, blendingMode: 'EXCLUSIVE', systemDefault: false,
	},
	{
		name: 'Digitalis csatornak', description: 'Csak írásos csatornák, hang nélkül.',
		telephony: 0, chat: 5, email: 5, social: 5, active: false, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: false,
	},
	{
		name: 'Tul sok hang', description: 'Hibás: 20 hanghívás egyszerre – a ccdl tartományán kívül (legfeljebb 16).',
		telephony: 20, chat: 0, email: 0, social: 0, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: false,
	},
	{
		name: 'Ures profil', description: 'Hibás: minden csatorna nulla.',
		telephony: 0, chat: 0, email: 0, social: 0, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: false,
	},
];

/** The tenant's multimedia profiles (two of them, 'Tul sok hang' and 'Ures profil', break ccdl's ranges on purpose). */
export function multimediaProfiles(seed: number, orgId: string, untilMs: number): MultimediaProfile[] {
	return specs.map((spec, index) => {
		const createdTime = untilMs - (400 - index * 17) * 86_400_000;
		return {
			organizationId: orgId,
			id: uuidFrom(seed, `multimedia-profile:${index}`),
			version: index % 3,
			...spec,
			...(spec.manuallyAssignable ? {manuallyAssignable: {...spec.manuallyAssignable}} : {}),
			createdTime,
			lastUpdatedTime: createdTime + index * 3_600_000,
		};
	});
}
