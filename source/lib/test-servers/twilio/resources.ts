/**
 * The JSON of Twilio's resources, field for field as in twilio_api_v2010.json (Recording, Call) and
 * twilio_intelligence_v2.json (Transcript, Sentence). Where a document leaves a field free-form (a transcript's
 * `channel`), its content follows Twilio's public docs.
 */
import type {TwilioCall, TwilioRecording, TwilioSentence, TwilioTranscript} from './dataset.js';

export const apiVersion = '2010-04-01';

/** RFC 2822 as Twilio writes it: `Fri, 14 Oct 2016 21:56:34 +0000`. */
export function rfc2822(date: Date): string {
	return date.toUTCString().replace(/GMT$/, '+0000');
}

/** ISO 8601 to the second, as the Intelligence API writes it: `2010-08-31T20:36:28Z`. */
export function isoSeconds(date: Date): string {
	return `${date.toISOString().slice(0, 19)}Z`;
}

export function accountPath(accountSid: string): string {
	return `/${apiVersion}/Accounts/${accountSid}`;
}

export function recordingJson(recording: TwilioRecording, accountSid: string, origin: string, deleted: boolean): Record<string, unknown> {
	const base = `${accountPath(accountSid)}/Recordings/${recording.sid}`;
	return {
		account_sid: accountSid,
		api_version: apiVersion,
		call_sid: recording.callSid,
		conference_sid: null,
		channels: recording.channels,
		date_created: rfc2822(recording.created),
		date_updated: rfc2822(recording.updated),
		start_time: rfc2822(recording.start),
		price: recording.price,
		price_unit: 'USD',
		duration: String(recording.duration),
		sid: recording.sid,
		source: recording.source,
		status: deleted ? 'deleted' : 'completed',
		error_code: null,
		uri: `${base}.json`,
		subresource_uris: {
			add_on_results: `${base}/AddOnResults.json`,
			transcriptions: `${base}/Transcriptions.json`,
		},
		encryption_details: null,
		// Twilio's media URL has no extension; `.mp3` or `.wav` is appended to choose the format.
		media_url: `${origin}${base}`,
	};
}

export function callJson(call: TwilioCall, accountSid: string): Record<string, unknown> {
	const base = `${accountPath(accountSid)}/Calls/${call.sid}`;
	const subresources = ['notifications', 'recordings', 'payments', 'events', 'siprec', 'streams', 'transcriptions',
		'user_defined_message_subscriptions', 'user_defined_messages'];
	const names: Record<string, string> = {
		notifications: 'Notifications', recordings: 'Recordings', payments: 'Payments', events: 'Events', siprec: 'Siprec',
		streams: 'Streams', transcriptions: 'Transcriptions', user_defined_message_subscriptions: 'UserDefinedMessageSubscriptions',
		user_defined_messages: 'UserDefinedMessages',
	};
	return {
		account_sid: accountSid,
		answered_by: null,
		api_version: apiVersion,
		caller_name: call.callerName,
		date_created: rfc2822(call.created),
		date_updated: rfc2822(call.updated),
		direction: call.direction,
		duration: String(call.duration),
		end_time: rfc2822(call.end),
		forwarded_from: null,
		from: call.from,
		from_formatted: call.from,
		group_sid: null,
		parent_call_sid: null,
		phone_number_sid: call.phoneNumberSid,
		price: call.price,
		price_unit: 'USD',
		sid: call.sid,
		start_time: rfc2822(call.start),
		status: call.status,
		subresource_uris: Object.fromEntries(subresources.map(key => [key, `${base}/${names[key]}.json`])),
		to: call.to,
		to_formatted: call.to,
		trunk_sid: null,
		uri: `${base}.json`,
		queue_time: '0',
	};
}

export function transcriptJson(transcript: TwilioTranscript, recording: TwilioRecording, accountSid: string, serviceSid: string,
	origin: string): Record<string, unknown> {
	const url = `${origin}/v2/Transcripts/${transcript.sid}`;
	return {
		account_sid: accountSid,
		service_sid: serviceSid,
		sid: transcript.sid,
		date_created: isoSeconds(transcript.created),
		date_updated: isoSeconds(transcript.updated),
		status: transcript.status,
		// Free-form in the document; Twilio's docs fill it with the source recording and who spoke on which channel.
		channel: {
			media_properties: {
				source_sid: recording.sid,
				reference_sids: {call_sid: recording.callSid},
			},
			participants: transcript.participants,
		},
		data_logging: false,
		language_code: transcript.languageCode,
		customer_key: null,
		media_start_time: isoSeconds(transcript.mediaStart),
		duration: transcript.duration,
		url,
		redaction: false,
		encryption_credential_sid: null,
		links: {
			sentences: `${url}/Sentences`,
			encrypted_sentences: `${url}/Sentences/Encrypted`,
			media: `${url}/Media`,
			operator_results: `${url}/OperatorResults`,
			encrypted_operator_results: `${url}/OperatorResults/Encrypted`,
		},
	};
}

export function sentenceJson(sentence: TwilioSentence, withWords: boolean): Record<string, unknown> {
	return {
		media_channel: sentence.channel,
		sentence_index: sentence.index,
		start_time: sentence.start.toFixed(2),
		end_time: sentence.end.toFixed(2),
		transcript: sentence.text,
		sid: sentence.sid,
		confidence: sentence.confidence.toFixed(2),
		words: withWords
			? sentence.words.map(word => ({word: word.word, start_time: word.start.toFixed(2), end_time: word.end.toFixed(2)}))
			: null,
	};
}
