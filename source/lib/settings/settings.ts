/**
 * What ccdl remembers between runs (conf, in the user's config folder): company, user name, server, language,
 * template and folder. Never the password, and never progress (conf rewrites its whole file on every change).
 */
import path from 'node:path';
import Conf from 'conf';
import {configDir} from './paths.js';

export interface Settings {
	platform: string;
	company: string;
	username: string;
	server: string;
	template: string;
	dateFormat: string;
	outDir: string;
}

export interface SettingsStore {
	get(): Partial<Settings>;
	set(values: Partial<Settings>): void;
	/**
	 * Set when the settings file is there but cannot be used (damaged, unreadable): the app starts without what it
	 * remembers, says so, and leaves the file as it is.
	 */
	readonly problem?: {file: string; detail: string};
}

/** The persistent store; CCDL_CONFIG_DIR overrides the folder (tests, portable installs). */
export function openSettings(): SettingsStore {
	let conf: Conf<Partial<Settings>> | undefined;
	let problem: SettingsStore['problem'];
	const options = {
		projectName: 'ccdl',
		projectSuffix: '',
		...(process.env['CCDL_CONFIG_DIR'] ? {cwd: process.env['CCDL_CONFIG_DIR']} : {}),
	};
	try {
		// Not conf's clearInvalidConfig: it empties a damaged file without a word, and the user's settings are gone.
		conf = new Conf<Partial<Settings>>({...options, clearInvalidConfig: false});
	} catch (error) {
		conf = undefined;
		const {code, message} = error as NodeJS.ErrnoException;
		problem = {
			file: path.join(process.env['CCDL_CONFIG_DIR'] ? path.resolve(process.env['CCDL_CONFIG_DIR']) : configDir(), 'config.json'),
			detail: code ?? (error instanceof SyntaxError ? 'not JSON' : message.split('\n')[0]!.slice(0, 80)),
		};
	}

	return {
		...problem ? {problem} : {},
		get: () => {
			try {
				return conf ? {...conf.store} : {};
			} catch {
				return {};
			}
		},
		set(values) {
			try {
				for (const [key, value] of Object.entries(values)) {
					if (typeof value === 'string' && key !== 'password') {
						conf?.set(key as keyof Settings, value);
					}
				}
			} catch {
				// Remembering is a convenience: an unwritable config folder must not stop a download.
			}
		},
	};
}
