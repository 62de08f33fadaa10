/**
 * What ccdl remembers between runs (conf, in the user's config folder): company, user name, server, language,
 * template and folder. Never the password, and never progress (conf rewrites its whole file on every change).
 */
import Conf from 'conf';

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
}

/** The persistent store; CCDL_CONFIG_DIR overrides the folder (tests, portable installs). */
export function openSettings(): SettingsStore {
	let conf: Conf<Partial<Settings>> | undefined;
	try {
		conf = new Conf<Partial<Settings>>({
			projectName: 'ccdl',
			projectSuffix: '',
			...(process.env['CCDL_CONFIG_DIR'] ? {cwd: process.env['CCDL_CONFIG_DIR']} : {}),
			clearInvalidConfig: true,
		});
	} catch {
		conf = undefined;
	}

	return {
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
