/**
 * contactOf maps a listing item of ccdl's own API to a Contact: every field checked, keys always in the model's order
 * (JSON output and the manifest follow it), optional media keys present only when the server gave a usable value.
 */
import {describe, expect, test} from 'vitest';
import {contactOf} from '../../source/lib/sources/ccm-v1/map.js';

const digest = 'AB'.repeat(32);

const item = {
	id: 100_001, recordId: '541796', channel: 'video', direction: 'incoming', campaignId: 102, campaignName: 'Ügyfélszolgálat: Bejövő',
	operatorId: '3020', operatorName: 'Nagy Bence', agentLastName: 'Nagy', agentFirstName: 'Bence', groupName: 'Győr', teamName: 'Béta',
	phoneNumber: '+36200393164', callingNumber: '+36200393164', calledNumber: '+3612345678', externalParty: '', subject: '',
	terminationId: '15', terminationName: 'Hangposta', callStart: '2026-11-02T00:00:03.000Z', connectedAt: '', callEnd: '2026-11-02T00:02:18.000Z',
	durationSeconds: 115, timeZone: 'Europe/Budapest', contactType: 'CALL', recycled: false, archived: true, archivedAt: '2026-11-03T00:00:00.000Z',
	media: {href: '/v1/recordings/100001/media', contentType: 'audio/mpeg', size: 230_096, sha256: digest, etag: '"e"'},
	screenshots: [
		{href: '/s/1', size: 10, index: 2},
		{href: '/s/2', contentType: 'image/jpeg', index: 2},
		'not a screenshot',
		{href: 7},
		{href: '/s/3', size: -1, sha256: 'nope'},
	],
	transcript: {href: '/v1/recordings/100001/transcript', formats: ['xml', 'pdf', 7]},
};

describe('contactOf', () => {
	test('maps every field, keys in the model\'s order', () => {
		const contact = contactOf(item)!;
		expect(Object.keys(contact)).toEqual([
			'id', 'channel', 'recordId', 'direction', 'campaignId', 'campaignName', 'operatorId', 'operatorName', 'agentLastName', 'agentFirstName',
			'groupName', 'teamName', 'phoneNumber', 'callingNumber', 'calledNumber', 'externalParty', 'subject', 'terminationId', 'terminationName',
			'callStart', 'connectedAt', 'callEnd', 'timeZone', 'contactType', 'durationSeconds', 'recycled', 'archived', 'archivedAt', 'media',
			'screenshots', 'transcript',
		]);
		expect(contact).toMatchObject({id: '100001', channel: 'video', campaignId: '102', durationSeconds: 115, archived: true, recycled: false});
		expect(Object.keys(contact.media!)).toEqual(['href', 'contentType', 'size', 'sha256', 'etag', 'durationSeconds']);
		expect(contact.media).toEqual({
			href: '/v1/recordings/100001/media', contentType: 'audio/mpeg', size: 230_096, sha256: digest.toLowerCase(), etag: '"e"', durationSeconds: 115,
		});
		expect(contact.transcript).toEqual({href: '/v1/recordings/100001/transcript', formats: ['xml']});
	});

	test('numbers screenshots uniquely and keeps only the keys the server gave usable values for', () => {
		const {screenshots} = contactOf(item)!;
		expect(screenshots).toEqual([
			{href: '/s/1', contentType: 'image/png', size: 10, index: 2},
			{href: '/s/2', contentType: 'image/jpeg', index: 3},
			{href: '/s/3', contentType: 'image/png', index: 5},
		]);
		expect(Object.keys(screenshots[0]!)).toEqual(['href', 'contentType', 'size', 'index']);
		expect(Object.keys(screenshots[2]!)).toEqual(['href', 'contentType', 'index']);
	});

	test('drops what is not a contact and defaults what is missing or malformed', () => {
		expect(contactOf(null)).toBeUndefined();
		expect(contactOf('100001')).toBeUndefined();
		expect(contactOf({id: ''})).toBeUndefined();
		expect(contactOf({id: Number.NaN})).toBeUndefined();
		const bare = contactOf({id: 'x', channel: 'fax', durationSeconds: 1.5, recycled: 'yes', archivedAt: 5, media: {href: '/m', size: 2 ** 60}, screenshots: {}, transcript: {href: '/t'}})!;
		expect(bare).toMatchObject({
			id: 'x', channel: 'voice', campaignName: '', durationSeconds: 0, recycled: false, archived: false, archivedAt: null, screenshots: [],
			transcript: {href: '/t', formats: ['json']},
		});
		expect(bare.media).toEqual({href: '/m', contentType: 'audio/mpeg'});
	});
});
