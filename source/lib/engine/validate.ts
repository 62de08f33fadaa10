/** Checks that downloaded bytes are the media type they claim to be, by their content, not their name. */
import {open, readFile} from 'node:fs/promises';

const maxParsedBytes = 32 * 1024 * 1024;

async function head(file: string, length: number): Promise<Buffer> {
	const handle = await open(file, 'r');
	try {
		const buffer = Buffer.alloc(length);
		const {bytesRead} = await handle.read(buffer, 0, length, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}

function firstNonBlank(bytes: Buffer): number | undefined {
	let offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	while (offset < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[offset]!)) {
		offset++;
	}

	return bytes[offset];
}

/** Undefined when `file` holds `contentType`; otherwise why not, as a short phrase. */
export async function mediaTypeProblem(file: string, contentType: string, size: number, firstBytes?: Buffer): Promise<string | undefined> {
	const type = contentType.split(';')[0]!.trim().toLowerCase();
	// The transfer saw the first bytes go by; only a resumed file has to be reopened for them.
	const start = firstBytes && (firstBytes.length >= 16 || firstBytes.length === size) ? firstBytes : await head(file, 16);
	switch (type) {
		case 'audio/mpeg':
		case 'audio/mp3': {
			const isId3 = start.subarray(0, 3).toString('latin1') === 'ID3';
			const isFrame = start[0] === 0xff && ((start[1] ?? 0) & 0xe0) === 0xe0;
			return isId3 || isFrame ? undefined : 'not an MP3 file';
		}

		case 'image/png': {
			return start.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? undefined : 'not a PNG image';
		}

		case 'image/jpeg': {
			return start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff ? undefined : 'not a JPEG image';
		}

		case 'application/json': {
			if (size > maxParsedBytes) {
				return firstNonBlank(start) === 0x7b || firstNonBlank(start) === 0x5b ? undefined : 'not JSON';
			}

			try {
				JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
				return undefined;
			} catch {
				return 'not valid JSON';
			}
		}

		case 'application/xml':
		case 'text/xml': {
			if (firstNonBlank(start) !== 0x3c) {
				return 'not XML';
			}

			if (size <= maxParsedBytes && !(await readFile(file, 'utf8')).trimEnd().endsWith('>')) {
				return 'not complete XML';
			}

			return undefined;
		}

		default: {
			return undefined;
		}
	}
}
