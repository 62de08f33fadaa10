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

/**
 * `name` in at most `width` columns, cut in the middle with an ellipsis when longer: the start (the date, the folder)
 * and the end (the last field and the extension) both show, where a cut at the end lost what the name ends in.
 */
export function fitName(name: string, width: number): string {
	const characters = [...name];
	if (characters.length <= width || width < 3) {
		return characters.slice(0, Math.max(0, width)).join('');
	}

	const tail = Math.floor((width - 1) / 2);
	const head = width - 1 - tail;
	return `${characters.slice(0, head).join('')}…${characters.slice(-tail).join('')}`;
}
