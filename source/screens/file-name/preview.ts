/**
 * File names the current template gives to real recordings of the current filter, exactly as a run would name their
 * main file (sub-folders joined with `/`, the extension of the media).
 */
import type {Recording} from '../../lib/api/wire.js';
import {extensionFor, nameFieldsOf} from '../../lib/catalogue/contacts.js';
import {parseTemplate, renderSegments, sanitizeSegment} from '../../lib/naming/index.js';

/** One name per sample, or undefined when the template or date format cannot be used. */
export function previewNames(template: string, dateFormat: string, samples: readonly Recording[], timeZone: string): string[] | undefined {
	try {
		const parsed = parseTemplate(template);
		return samples.map(sample => {
			const segments = renderSegments(parsed, nameFieldsOf(sample), {timeZone, dateFormat});
			const extension = sample.media ? extensionFor(sample.media.contentType) : '.mp3';
			const last = sanitizeSegment(segments.at(-1) ?? '', extension);
			return [...segments.slice(0, -1), last].join('/');
		});
	} catch {
		return undefined;
	}
}
