/**
 * The container check of files that come without a digest (Twilio, Webex): the file must parse as the audio it claims to be, and
 * last as long as the listing says, within a tolerance. Without a digest, a file that is the right length but the
 * wrong recording, or cut and padded, is caught here.
 *
 * - WAV: RIFF/WAVE with a `fmt ` chunk (byte rate above 0) and a `data` chunk that fits in the file; its length is
 *   data bytes / byte rate.
 * - MP3: an optional ID3v2 tag, then MPEG audio frames walked header by header (MPEG 1, 2 and 2.5, layers I–III) to the
 *   end, an ID3v1 or APE tag allowed at the end; its length is the sum of the frames' samples / sample rate. Bytes that
 *   are not frames may be at most 1 % of the file, and frames must cover 90 % of it (a little junk between frames is
 *   common, a file of junk with a chance sync pattern is not).
 *
 * Tolerance: Twilio gives a recording's `duration` in whole seconds (truncated), and MP3 rounds to whole frames, so a
 * file may differ from the listing by up to a second either way; {@link durationTolerance} allows 1.5 s or 1 %,
 * whichever is more.
 */
import {open} from 'node:fs/promises';

export interface AudioInfo {
	seconds: number;
}

/** Seconds a file may differ from the listed duration. */
export function durationTolerance(listedSeconds: number): number {
	return Math.max(1.5, listedSeconds * 0.01);
}

const chunkBytes = 1024 * 1024;

async function readAll(handle: Awaited<ReturnType<typeof open>>, size: number, visit: (buffer: Buffer, position: number) => void): Promise<void> {
	const buffer = Buffer.alloc(Math.min(chunkBytes, Math.max(size, 1)));
	for (let position = 0; position < size;) {
		const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
		if (bytesRead === 0) {
			break;
		}

		visit(buffer.subarray(0, bytesRead), position);
		position += bytesRead;
	}
}

/** Length of a WAV file, or why it is not one. */
export async function wavInfo(file: string): Promise<AudioInfo | string> {
	const handle = await open(file, 'r');
	try {
		const {size} = await handle.stat();
		const head = Buffer.alloc(12);
		await handle.read(head, 0, 12, 0);
		if (size < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
			return 'not a WAV file';
		}

		let byteRate = 0;
		const chunk = Buffer.alloc(24);
		// Chunks are walked by their sizes; a file with thousands of chunks before `data` is not a recording.
		for (let position = 12, chunks = 0; position + 8 <= size && chunks < 1000; chunks++) {
			const {bytesRead} = await handle.read(chunk, 0, 24, position);
			if (bytesRead < 8) {
				break;
			}

			const id = chunk.toString('latin1', 0, 4);
			const length = chunk.readUInt32LE(4);
			if (id === 'fmt ') {
				if (length < 16 || bytesRead < 24) {
					return 'a WAV file with a broken format chunk';
				}

				byteRate = chunk.readUInt32LE(16);
			} else if (id === 'data') {
				if (byteRate === 0) {
					return 'a WAV file without a usable format chunk before its samples';
				}

				if (position + 8 + length > size) {
					return `a WAV file cut short (${size - position - 8} of ${length} sample bytes)`;
				}

				return {seconds: length / byteRate};
			}

			position += 8 + length + (length % 2);
		}

		return 'a WAV file without samples';
	} finally {
		await handle.close();
	}
}

const bitRatesKbps = {
	// [version 1][layer I, II, III], [version 2/2.5][layer I, II/III]
	v1: [
		[0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
		[0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
		[0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	],
	v2: [
		[0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
		[0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	],
} as const;
const sampleRates = {1: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 2.5: [11_025, 12_000, 8000]} as const;

/** The frame starting at `bytes[0..3]`: its length in bytes and its samples and rate, or undefined when it is no frame. */
export function mp3Frame(b0: number, b1: number, b2: number): {bytes: number; samples: number; rate: number} | undefined {
	if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) {
		return undefined;
	}

	const versionBits = (b1 >> 3) & 3;
	const layerBits = (b1 >> 1) & 3;
	const bitRateIndex = b2 >> 4;
	const rateIndex = (b2 >> 2) & 3;
	if (versionBits === 1 || layerBits === 0 || bitRateIndex === 0 || bitRateIndex === 15 || rateIndex === 3) {
		return undefined;
	}

	const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
	const layer = 4 - layerBits;
	const padding = (b2 >> 1) & 1;
	const kbps = version === 1 ? bitRatesKbps.v1[layer - 1]![bitRateIndex]! : bitRatesKbps.v2[layer === 1 ? 0 : 1]![bitRateIndex]!;
	const rate = sampleRates[version][rateIndex]!;
	if (layer === 1) {
		return {bytes: (Math.floor(12_000 * kbps / rate) + padding) * 4, samples: 384, rate};
	}

	const samples = layer === 2 || version === 1 ? 1152 : 576;
	return {bytes: Math.floor(samples / 8 * 1000 * kbps / rate) + padding, samples, rate};
}

/** Length of an MP3 file, or why it is not one. */
export async function mp3Info(file: string): Promise<AudioInfo | string> {
	const handle = await open(file, 'r');
	try {
		const {size} = await handle.stat();
		const head = Buffer.alloc(10);
		await handle.read(head, 0, 10, 0);
		let start = 0;
		if (head.toString('latin1', 0, 3) === 'ID3') {
			// ID3v2: a 10-byte header, its size in four 7-bit bytes, plus a 10-byte footer when flagged.
			start = 10 + ((head[6]! & 0x7f) << 21 | (head[7]! & 0x7f) << 14 | (head[8]! & 0x7f) << 7 | (head[9]! & 0x7f)) + ((head[5]! & 0x10) ? 10 : 0);
		}

		// Walked over the whole file in chunks; a frame header may straddle two chunks, so the last 3 bytes carry over.
		let seconds = 0;
		let frames = 0;
		let junk = 0;
		let frameBytes = 0;
		let next = start;
		let carry = Buffer.alloc(0);
		let carryAt = 0;
		let tagAt = size;
		await readAll(handle, size, (chunk, position) => {
			const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
			const base = carry.length > 0 ? carryAt : position;
			let at = Math.max(next, base) - base;
			while (at + 3 < buffer.length && base + at < tagAt) {
				const frame = mp3Frame(buffer[at]!, buffer[at + 1]!, buffer[at + 2]!);
				if (frame) {
					seconds += frame.samples / frame.rate;
					frames++;
					frameBytes += frame.bytes;
					at += frame.bytes;
					continue;
				}

				// ID3v1 ("TAG", 128 bytes) or an APE tag ends the audio.
				const marker = buffer.toString('latin1', at, Math.min(buffer.length, at + 8));
				if ((marker.startsWith('TAG') && size - (base + at) === 128) || marker === 'APETAGEX') {
					tagAt = base + at;
					break;
				}

				junk++;
				at++;
			}

			next = base + at;
			const keep = Math.max(0, buffer.length - Math.max(at, buffer.length - 3));
			carry = Buffer.from(buffer.subarray(buffer.length - keep));
			carryAt = base + buffer.length - keep;
		});
		const audioEnd = Math.min(tagAt, size);
		if (next > audioEnd && frames > 0) {
			// The last frame ran past the end: the file was cut short.
			return 'an MP3 file cut short in its last frame';
		}

		if (frames === 0) {
			return 'not an MP3 file (no audio frames)';
		}

		// Random bytes hold a sync pattern now and then: frames must make up nearly all of the audio part.
		if (junk > Math.max(4096, size * 0.01) || frameBytes < (audioEnd - start) * 0.9) {
			return `an MP3 file with ${junk} bytes that are not audio frames`;
		}

		return {seconds};
	} finally {
		await handle.close();
	}
}

function audioType(contentType: string): 'mp3' | 'wav' | undefined {
	const type = contentType.split(';')[0]!.trim().toLowerCase();
	return type === 'audio/mpeg' || type === 'audio/mp3' ? 'mp3' : type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave' ? 'wav' : undefined;
}

/** Whether audioProblem can decode files of this content type and measure their duration. */
export function isCheckedAudio(contentType: string): boolean {
	return audioType(contentType) !== undefined;
}

/**
 * Undefined when `file` is the audio `contentType` says and lasts `listedSeconds` (when given) within the tolerance;
 * otherwise why not, as a short phrase ("the bytes are …"). Other content types are not this check's business.
 */
export async function audioProblem(file: string, contentType: string, listedSeconds?: number): Promise<string | undefined> {
	const type = audioType(contentType);
	const info = type === 'mp3' ? await mp3Info(file) : type === 'wav' ? await wavInfo(file) : undefined;
	if (info === undefined) {
		return undefined;
	}

	if (typeof info === 'string') {
		return info;
	}

	if (listedSeconds !== undefined && listedSeconds > 0 && Math.abs(info.seconds - listedSeconds) > durationTolerance(listedSeconds)) {
		return `audio of ${info.seconds.toFixed(1)} s where the listing says ${listedSeconds} s`;
	}

	return undefined;
}
