/**
 * OpenSSH `known_hosts` checking, so ccdl trusts exactly the host keys `ssh` trusts and never a key it sees for the
 * first time. Understands plain and hashed (`|1|salt|hash`) host fields, the `[host]:port` form of non-standard
 * ports, comma lists, `*`/`?` wildcards and `!` negation, and `@revoked` lines (`@cert-authority` lines are skipped:
 * ccdl does not do host certificates).
 */
import {createHash, createHmac} from 'node:crypto';
import {readFile} from 'node:fs/promises';

export type HostKeyVerdict =
	| {state: 'known'}
	| {state: 'unknown'}
	/** The host is listed, but with other keys: possibly an attack, possibly a reinstalled server. */
	| {state: 'changed'; knownTypes: string[]}
	| {state: 'revoked'};

/** `SHA256:…` as `ssh-keygen -l` and `ssh` print it. */
export function fingerprint(key: Buffer): string {
	return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, …). */
export function keyType(key: Buffer): string {
	if (key.length < 4) {
		return 'unknown';
	}

	const length = key.readUInt32BE(0);
	return key.subarray(4, 4 + length).toString('latin1');
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function hostField(host: string, port: number): string {
	return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
	const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
	return new RegExp(`^${escaped}$`, 'i');
}

function hashedMatches(entry: string, name: string): boolean {
	const [, magic, salt, hash] = entry.split('|');
	if (magic !== '1' || !salt || !hash) {
		return false;
	}

	return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a known_hosts host field (comma list) names this host. */
export function hostMatches(field: string, host: string, port: number): boolean {
	const name = hostField(host, port);
	if (field.startsWith('|')) {
		return hashedMatches(field, name);
	}

	let matched = false;
	for (const pattern of field.split(',')) {
		const negated = pattern.startsWith('!');
		const body = negated ? pattern.slice(1) : pattern;
		if (globToRegExp(body).test(name)) {
			if (negated) {
				return false;
			}

			matched = true;
		}
	}

	return matched;
}

/** Checks a host key against the text of known_hosts files. */
export function checkHostKey(texts: readonly string[], host: string, port: number, key: Buffer): HostKeyVerdict {
	const blob = key.toString('base64');
	const knownTypes: string[] = [];
	let known = false;
	for (const text of texts) {
		for (const raw of text.split(/\r?\n/)) {
			const line = raw.trim();
			if (!line || line.startsWith('#')) {
				continue;
			}

			const fields = line.split(/\s+/);
			const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
			const [hosts, type, data] = fields;
			if (!hosts || !type || !data || marker === '@cert-authority' || !hostMatches(hosts, host, port)) {
				continue;
			}

			if (data === blob) {
				if (marker === '@revoked') {
					return {state: 'revoked'};
				}

				known = true;
			} else if (marker !== '@revoked') {
				knownTypes.push(type);
			}
		}
	}

	if (known) {
		return {state: 'known'};
	}

	return knownTypes.length > 0 ? {state: 'changed', knownTypes} : {state: 'unknown'};
}

/** Reads the files that exist among `files` (a missing known_hosts is an empty one). */
export async function readKnownHosts(files: readonly string[]): Promise<string[]> {
	const texts: string[] = [];
	for (const file of files) {
		try {
			texts.push(await readFile(file, 'utf8'));
		} catch {
			// Not there: nothing known from it.
		}
	}

	return texts;
}
