/** Webex Contact Center as a platform of the registry. (Being built: see issue 14.) */
import {UsageError} from '../../errors.js';
import type {Platform} from '../registry.js';

export const webexCc: Platform = {
	key: 'webex-cc',
	label: 'Webex Contact Center',
	defaultServer: 'https://webexapis.com',
	async login() {
		throw new UsageError('--platform webex-cc is not available in this build yet.');
	},
};
