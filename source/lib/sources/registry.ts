/**
 * The platforms ccdl can download from. Each entry is one line here and a folder of its own; the rest of ccdl knows
 * only the neutral model (./model.ts). Implementations are loaded when used, so a run pays only for its own platform.
 */
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import type {Platform} from './model.js';

export type {Platform} from './model.js';


interface Entry {
	label: string;
	defaultServer?: string;
	load: () => Promise<Platform>;
}

const platforms: Record<string, Entry> = {
	ccm: {label: 'Contact Center Media API v1', load: async () => ({key: 'ccm', label: 'Contact Center Media API v1', login: async login => (await import('./ccm-v1/source.js')).CcmV1Source.login(login)})},
	twilio: {label: 'Twilio', defaultServer: 'https://api.twilio.com', load: async () => (await import('./twilio/platform.js')).twilio},
	'webex-cc': {label: 'Webex Contact Center', defaultServer: 'https://webexapis.com', load: async () => (await import('./webex-cc/platform.js')).webexCc},
};

export const defaultPlatform = 'ccm';

export function platformKeys(): string[] {
	return Object.keys(platforms);
}

/** The platform's name and default API base, without loading it. */
export function platformInfo(key: string): {label: string; defaultServer?: string} {
	const entry = Object.hasOwn(platforms, key) ? platforms[key] : undefined;
	if (!entry) {
		throw new UsageError(...phrased('cli.error.platform', {value: key, list: platformKeys().join(', ')}));
	}

	return entry;
}

export async function platformOf(key: string): Promise<Platform> {
	platformInfo(key);
	return platforms[key]!.load();
}
