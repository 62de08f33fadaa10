/** Twilio as a platform of the registry. (Being built: see issue 13.) */
import {UsageError} from '../../errors.js';
import type {Platform} from '../registry.js';

export const twilio: Platform = {
	key: 'twilio',
	label: 'Twilio',
	defaultServer: 'https://api.twilio.com',
	async login() {
		throw new UsageError('--platform twilio is not available in this build yet.');
	},
};
