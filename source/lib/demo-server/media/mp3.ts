/**
 * Demo call recordings as real MP3 files that are never stored: a run of silent MPEG-2 Layer III frames
 * (16 kHz mono, constant bit rate, so `ffprobe` reports the call length) followed by a 128-byte ID3v1 tag that names
 * the recording. The tag makes every recording's bytes unique, and because the frames before it are the same for
 * every recording of one length, the SHA-256 of a recording is a cached hash state plus 128 bytes: listings of a
 * million recordings can carry digests without hashing gigabytes.
 */
import {createHash, type Hash} from 'node:crypto';

/** MPEG-2 Layer III bit rates (kbit/s) by header index. */
const bitRateIndex = new Map<number, number>([
	[8, 1], [16, 2], [24, 3], [32, 4], [40, 5], [48, 6], [56, 7], [64, 8], [80, 9], [96, 10], [112, 11], [128, 12], [144, 13], [160, 14],
]);
export const supportedBitRates = [...bitRateIndex.keys()];
const sampleRate = 16_000;
const samplesPerFrame = 576;
export const frameSeconds = samplesPerFrame / sampleRate;
export const tagBytes = 128;
/** Frames are written from a shared block of about this size, so a response is a handful of zero-copy slices. */
const blockTarget = 1024 * 1024;

export function frameBytes(bitRateKbps: number): number {
	return (72 * bitRateKbps * 1000) / sampleRate;
}

interface FrameBlock {
	block: Buffer;
	frameBytes: number;
}

const blocks = new Map<number, FrameBlock>();

function frameBlock(bitRateKbps: number): FrameBlock {
	let cached = blocks.get(bitRateKbps);
	if (!cached) {
		const index = bitRateIndex.get(bitRateKbps);
		if (index === undefined) {
			throw new TypeError(`Unsupported MP3 bit rate ${bitRateKbps} kbit/s; use one of ${supportedBitRates.join(', ')}`);
		}

		const size = frameBytes(bitRateKbps);
		const frame = Buffer.alloc(size);
		// Sync, MPEG-2, Layer III, no CRC | bit-rate index, 16 kHz, no padding | mono, original. Side info and main
		// data stay zero: a frame of digital silence that every decoder accepts.
		frame[0] = 0xff;
		frame[1] = 0xf3;
		frame[2] = (index << 4) | 0x08;
		frame[3] = 0xc4;
		const count = Math.max(1, Math.floor(blockTarget / size));
		const block = Buffer.alloc(count * size);
		for (let offset = 0; offset < block.length; offset += size) {
			frame.copy(block, offset);
		}

		cached = {block, frameBytes: size};
		blocks.set(bitRateKbps, cached);
	}

	return cached;
}

/**
 * Saved hash states every `checkpointFrames` frames, per bit rate: the state after N frames is the nearest saved
 * state, copied, plus fewer than `checkpointFrames` frames. A listing of 100,000 calls of a thousand different
 * lengths then hashes each frame about once, not once per length.
 */
const checkpoints = new Map<number, Hash[]>();

function checkpointFrames(bitRateKbps: number): number {
	return Math.max(1, Math.floor(64 * 1024 / frameBytes(bitRateKbps)));
}

function hashFrames(state: Hash, block: Buffer, bytes: number): void {
	let remaining = bytes;
	while (remaining > 0) {
		const take = Math.min(remaining, block.length);
		state.update(block.subarray(0, take));
		remaining -= take;
	}
}

/** The state after exactly N frames, by bit rate, then N: a few hundred distinct call lengths in practice. */
const prefixStates = new Map<number, Map<number, Hash>>();

function prefixState(bitRateKbps: number, frames: number): Hash {
	let byFrames = prefixStates.get(bitRateKbps);
	if (!byFrames) {
		byFrames = new Map();
		prefixStates.set(bitRateKbps, byFrames);
	}

	let state = byFrames.get(frames);
	if (!state) {
		state = stateFromCheckpoint(bitRateKbps, frames);
		byFrames.set(frames, state);
	}

	return state;
}

function stateFromCheckpoint(bitRateKbps: number, frames: number): Hash {
	const {block, frameBytes: size} = frameBlock(bitRateKbps);
	const step = checkpointFrames(bitRateKbps);
	let saved = checkpoints.get(bitRateKbps);
	if (!saved) {
		saved = [createHash('sha256')];
		checkpoints.set(bitRateKbps, saved);
	}

	const wanted = Math.floor(frames / step);
	while (saved.length <= wanted) {
		const next = saved.at(-1)!.copy();
		hashFrames(next, block, step * size);
		saved.push(next);
	}

	const state = saved[wanted]!.copy();
	hashFrames(state, block, (frames - wanted * step) * size);
	return state;
}

/** Latin-1 forms of non-ASCII texts already written: the names of a tenant's small cast recur in every tag. */
const latin1Forms = new Map<string, string>();

/** Writes `text` as fixed-width Latin-1 (ID3v1), accents dropped; plain ASCII skips the Unicode work. */
function writeLatin1(target: Buffer, offset: number, text: string, length: number): void {
	let ascii = /^[\x20-\x7E]*$/.test(text) ? text : latin1Forms.get(text);
	if (ascii === undefined) {
		ascii = text.normalize('NFD').replaceAll(/[\u0300-\u036F]/g, '').replaceAll(/[^\u0020-\u007E]/g, '?');
		if (latin1Forms.size >= 4096) {
			latin1Forms.clear();
		}

		latin1Forms.set(text, ascii);
	}

	target.write(ascii.slice(0, length), offset, length, 'latin1');
}

export interface Mp3Spec {
	bitRateKbps: number;
	frames: number;
	title: string;
	artist: string;
	album: string;
	year: string;
	comment: string;
}

/** The ID3v1 tag of a recording, written into `target` (128 bytes, overwritten whole). */
export function mp3Tag(spec: Mp3Spec, target: Buffer): Buffer {
	target.fill(0, 0, tagBytes);
	target.write('TAG', 0, 'latin1');
	writeLatin1(target, 3, spec.title, 30);
	writeLatin1(target, 33, spec.artist, 30);
	writeLatin1(target, 63, spec.album, 30);
	writeLatin1(target, 93, spec.year, 4);
	writeLatin1(target, 97, spec.comment, 30);
	target[127] = 101; // Genre "Speech".
	return target;
}

export function mp3Size(spec: Pick<Mp3Spec, 'bitRateKbps' | 'frames'>): number {
	return spec.frames * frameBytes(spec.bitRateKbps) + tagBytes;
}

function tagDigest(spec: Pick<Mp3Spec, 'bitRateKbps' | 'frames'>, tag: Buffer): Buffer {
	return prefixState(spec.bitRateKbps, spec.frames).copy().update(tag).digest();
}

const scratchTag = Buffer.alloc(tagBytes);

/**
 * Size and SHA-256 (hex) of the recording `spec` describes, without keeping its tag: what a listing needs, for a
 * fraction of the garbage of a {@link VirtualMp3}. Same bytes, same digest.
 */
export function mp3Digest(spec: Mp3Spec): {size: number; sha256: string} {
	return {size: mp3Size(spec), sha256: tagDigest(spec, mp3Tag(spec, scratchTag)).toString('hex')};
}

/** One MP3 file described by its parts; bytes are produced on demand. */
export class VirtualMp3 {
	readonly size: number;
	readonly tag: Buffer;
	readonly #spec: Mp3Spec;
	#sha256: Buffer | undefined;

	constructor(spec: Mp3Spec) {
		this.#spec = spec;
		this.tag = mp3Tag(spec, Buffer.alloc(tagBytes));
		this.size = mp3Size(spec);
	}

	get durationSeconds(): number {
		return this.#spec.frames * frameSeconds;
	}

	get sha256(): Buffer {
		this.#sha256 ??= tagDigest(this.#spec, this.tag);
		return this.#sha256;
	}

	/** Zero-copy slices covering bytes [start, end] (inclusive), in order. */
	*chunks(start: number, end: number): Generator<Buffer> {
		const {block} = frameBlock(this.#spec.bitRateKbps);
		const bodySize = this.size - tagBytes;
		let position = start;
		while (position <= end && position < bodySize) {
			const inBlock = position % block.length;
			const take = Math.min(block.length - inBlock, end - position + 1, bodySize - position);
			yield block.subarray(inBlock, inBlock + take);
			position += take;
		}

		if (position <= end) {
			yield this.tag.subarray(position - bodySize, end - bodySize + 1);
		}
	}
}

/**
 * Picks a bit rate and frame count for a call of `seconds`, or, when `targetBytes` is given, for a file of about
 * that size (the call length then follows from the size, so the duration still matches the bytes).
 */
export function mp3Shape(seconds: number, targetBytes?: number): {bitRateKbps: number; frames: number} {
	if (targetBytes === undefined) {
		return {bitRateKbps: 16, frames: Math.max(1, Math.round(seconds / frameSeconds))};
	}

	// The lowest bit rate that keeps the call under four hours.
	const maxSeconds = 4 * 3600;
	const bitRateKbps = supportedBitRates.find(rate => (targetBytes - tagBytes) / frameBytes(rate) * frameSeconds <= maxSeconds)
		?? supportedBitRates.at(-1)!;
	return {bitRateKbps, frames: Math.max(1, Math.floor((targetBytes - tagBytes) / frameBytes(bitRateKbps)))};
}
