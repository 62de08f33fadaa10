/** Webex Contact Center as a platform of the registry: `--platform webex-cc` (source in ./source.ts). */
import type {Platform} from '../model.js';

export const webexCc: Platform = {
	key: 'webex-cc',
	label: 'Webex Contact Center',
	defaultServer: 'https://webexapis.com',
	async login(login) {
		return (await import('./source.js')).WebexCcSource.login(login);
	},
};
