/**
 * The platforms ccdl can download from. Each entry is one line here and a folder of its own; the rest of ccdl knows
 * only the neutral model (./model.ts). Entries are loaded when used, so a run pays only for its own platform.
 */
import {UsageError} from '../errors.js';
import type {Source, SourceLogin} from './model.js';

export interface Platform {
	/** What `--platform` takes. */
	key: string;
	/** For people: the platform's name. */
	label: string;
	/** The API base when neither --server nor --company is given. */
	defaultServer?: string;
	login(login: SourceLogin): Promise<Source>;
}

const platforms: Record<string, () => Promise<Platform>> = {
	ccm: async () => ({key: 'ccm', label: 'Contact Center Media API v1', login: async login => (await import('./ccm-v1/source.js')).CcmV1Source.login(login)}),
};

export const defaultPlatform = 'ccm';

export function platformKeys(): string[] {
	return Object.keys(platforms);
}

export async function platformOf(key: string): Promise<Platform> {
	const load = Object.hasOwn(platforms, key) ? platforms[key] : undefined;
	if (!load) {
		throw new UsageError(`--platform ${key} is not a platform ccdl knows; use ${platformKeys().join(', ')}.`);
	}

	return load();
}
