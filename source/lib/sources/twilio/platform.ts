/** Twilio as a platform of the registry: call recordings and Voice Intelligence transcripts of one account (issue 13). */
import type {Platform} from '../model.js';
import {TwilioSource} from './source.js';

export const twilio: Platform = {
	key: 'twilio',
	label: 'Twilio',
	defaultServer: 'https://api.twilio.com',
	async login(login) {
		return TwilioSource.login(login);
	},
};
