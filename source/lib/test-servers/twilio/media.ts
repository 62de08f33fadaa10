/**
 * Recording media as Twilio serves them: MP3 and WAV, mono or dual-channel (one call leg per channel), lasting the
 * recording's duration. Files are never stored: each is a header, a run of one repeated unit (a silent MP3 frame or
 * silent PCM samples) and a trailer, produced on demand as zero-copy slices of a shared block.
 */
import {createHash} from 'node:crypto';
import {frameBytes, frameSeconds, tagBytes} from '../../demo-server/media/mp3.js';

export type AudioFormat = 'mp3' | 'wav';

export interface MediaBody {
	size: number;
	contentType: string;
	/** A strong validator: the same recording, format and channels always give the same bytes. */
	etag: string;
	/** Zero-copy slices covering bytes [start, end] (inclusive), in order. */
	chunks(start: number, end: number): Generator<Buffer>;
}

const blockTarget = 1024 * 1024;
const blocks = new Map<string, Buffer>();

/** A block of about 1 MiB made of whole copies of `unit`, cached per unit. */
function blockOf(key: string, unit: Buffer): Buffer {
	let block = blocks.get(key);
	if (!block) {
		const count = Math.max(1, Math.floor(blockTarget / unit.length));
		block = Buffer.alloc(count * unit.length);
		for (let offset = 0; offset < block.length; offset += unit.length) {
			unit.copy(block, offset);
		}

		blocks.set(key, block);
	}

	return block;
}

function* slices(head: Buffer, block: Buffer, bodyBytes: number, tail: Buffer, start: number, end: number): Generator<Buffer> {
	let position = start;
	const bodyEnd = head.length + bodyBytes;
	if (position < head.length && position <= end) {
		const take = Math.min(head.length, end + 1);
		yield head.subarray(position, take);
		position = take;
	}

	while (position <= end && position < bodyEnd) {
		const offset = position - head.length;
		const inBlock = offset % block.length;
		const take = Math.min(block.length - inBlock, end - position + 1, bodyEnd - position);
		yield block.subarray(inBlock, inBlock + take);
		position += take;
	}

	if (position <= end) {
		yield tail.subarray(position - bodyEnd, end - bodyEnd + 1);
	}
}

/** MPEG-2 Layer III at 16 kHz: 16 kbit/s mono, 32 kbit/s for two channels (header bit-rate indices 2 and 4). */
const mp3Layouts = {
	1: {bitRateKbps: 16, index: 2, mode: 0xc4},
	2: {bitRateKbps: 32, index: 4, mode: 0x04},
} as const;

function silentFrame(channels: 1 | 2): Buffer {
	const layout = mp3Layouts[channels];
	const frame = Buffer.alloc(frameBytes(layout.bitRateKbps));
	// Sync, MPEG-2, Layer III, no CRC | bit-rate index, 16 kHz | mono (0xc4) or stereo (0x04), original. Side info and
	// main data stay zero: digital silence every decoder accepts, whatever the channel count.
	frame[0] = 0xff;
	frame[1] = 0xf3;
	frame[2] = (layout.index << 4) | 0x08;
	frame[3] = layout.mode;
	return frame;
}

function id3v1(title: string, comment: string): Buffer {
	const tag = Buffer.alloc(tagBytes);
	tag.write('TAG', 0, 'latin1');
	tag.write(title.slice(0, 30), 3, 30, 'latin1');
	tag.write('Twilio test server', 33, 30, 'latin1');
	tag.write(comment.slice(0, 30), 97, 30, 'latin1');
	tag[127] = 101; // Genre "Speech".
	return tag;
}

function chunk(id: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.write(id, 0, 'latin1');
	header.writeUInt32LE(payload.length, 4);
	return Buffer.concat([header, payload, payload.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function zstring(text: string): Buffer {
	return Buffer.from(`${text}\0`, 'latin1');
}

const wavSampleRate = 8000;

function etagOf(...parts: Array<string | number>): string {
	return `"${createHash('sha256').update(parts.join('/')).digest('base64url').slice(0, 27)}"`;
}

/** The MP3 of a recording: silent frames for `seconds`, then an ID3v1 tag naming the recording (so bytes differ). */
export function mp3Body(recordingSid: string, seconds: number, channels: 1 | 2): MediaBody {
	const frame = silentFrame(channels);
	const frames = Math.max(1, Math.round(seconds / frameSeconds));
	const tail = id3v1(recordingSid, `${channels} channel(s), ${seconds} s`);
	const block = blockOf(`mp3/${channels}`, frame);
	const bodyBytes = frames * frame.length;
	const empty = Buffer.alloc(0);
	return {
		size: bodyBytes + tail.length,
		contentType: 'audio/mpeg',
		etag: etagOf('mp3', recordingSid, seconds, channels),
		chunks: (start, end) => slices(empty, block, bodyBytes, tail, start, end),
	};
}

/**
 * The WAV of a recording: 16-bit PCM at 8 kHz (telephone audio, as Twilio records it), `seconds` of silence. A LIST
 * INFO chunk before the samples names the recording, so every file's bytes differ.
 */
export function wavBody(recordingSid: string, seconds: number, channels: 1 | 2): MediaBody {
	const blockAlign = 2 * channels;
	const dataBytes = seconds * wavSampleRate * blockAlign;
	const format = Buffer.alloc(16);
	format.writeUInt16LE(1, 0); // PCM
	format.writeUInt16LE(channels, 2);
	format.writeUInt32LE(wavSampleRate, 4);
	format.writeUInt32LE(wavSampleRate * blockAlign, 8);
	format.writeUInt16LE(blockAlign, 12);
	format.writeUInt16LE(16, 14);
	const info = Buffer.concat([
		Buffer.from('INFO', 'latin1'),
		chunk('INAM', zstring(recordingSid)),
		chunk('ICMT', zstring('Twilio test server')),
	]);
	const dataHeader = Buffer.alloc(8);
	dataHeader.write('data', 0, 'latin1');
	dataHeader.writeUInt32LE(dataBytes, 4);
	const afterRiff = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', format), chunk('LIST', info), dataHeader]);
	const riff = Buffer.alloc(8);
	riff.write('RIFF', 0, 'latin1');
	riff.writeUInt32LE(afterRiff.length + dataBytes, 4);
	const head = Buffer.concat([riff, afterRiff]);
	const block = blockOf('pcm', Buffer.alloc(4));
	return {
		size: head.length + dataBytes,
		contentType: 'audio/x-wav',
		etag: etagOf('wav', recordingSid, seconds, channels),
		chunks: (start, end) => slices(head, block, dataBytes, Buffer.alloc(0), start, end),
	};
}

export function mediaBody(format: AudioFormat, recordingSid: string, seconds: number, channels: 1 | 2): MediaBody {
	return format === 'mp3' ? mp3Body(recordingSid, seconds, channels) : wavBody(recordingSid, seconds, channels);
}
