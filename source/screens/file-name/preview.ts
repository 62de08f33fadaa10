/**
 * File names the current template gives to real recordings of the current filter, exactly as a run would name their
 * main file (sub-folders joined with `/`, the extension of the media).
 */
import type {Contact} from '../../lib/sources/model.js';
import {nameFieldsOf, remoteFilesOf} from '../../lib/catalogue/contacts.js';
import {parseTemplate, renderSegments, sanitizeSegment} from '../../lib/naming/index.js';

/** One name per sample, or undefined when the template or date format cannot be used. */
export function previewNames(template: string, dateFormat: string, samples: readonly Contact[], timeZone: string): string[] | undefined {
	try {
		const parsed = parseTemplate(template);
		return samples.map(sample => {
			const segments = renderSegments(parsed, nameFieldsOf(sample), {timeZone, dateFormat});
			// The contact's main file as a run would fetch it: the recording, or a chat's transcript.
			const extension = remoteFilesOf(sample, 'json')[0]?.extension ?? '.mp3';
			const last = sanitizeSegment(segments.at(-1) ?? '', extension);
			return [...segments.slice(0, -1), last].join('/');
		});
	} catch {
		return undefined;
	}
}
