/** `ccdl verify DIR`: re-checks a download folder against its manifest: missing, changed and extra files. */
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {fileSize, hashFile} from '../lib/engine/disk.js';
import {exitCodes, UsageError} from '../lib/errors.js';
import {manifestCsvName, manifestJsonName, readManifest} from '../lib/export/manifest.js';
import {visible} from '../lib/text/visible.js';
import {parseOptions} from './options.js';

export const verifyHelp = `Usage: ccdl verify [--json] DIR

Re-checks every file the manifest in DIR lists as downloaded: it must exist with the recorded size and SHA-256.
Reports missing files, changed files, and extra files that the manifest does not know.

  --json              the report as one JSON document on stdout

Exit codes: 0 everything matches, 1 something is missing, changed or extra, 2 usage (no manifest in DIR).
`;

async function walk(folder: string, base = folder): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(folder, {withFileTypes: true})) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			found.push(...await walk(full, base));
		} else {
			found.push(path.relative(base, full).split(path.sep).join('/'));
		}
	}

	return found;
}

/** ccdl's own bookkeeping files, which are never "extra". */
function isOwnFile(relative: string): boolean {
	const name = relative.split('/').at(-1)!;
	return relative === manifestCsvName || relative === manifestJsonName || /^\.ccdl-/.test(name);
}

export async function runVerify(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, {json: {type: 'boolean'}}, 'verify', true);
	if (positionals.length !== 1) {
		throw new UsageError('Give one folder to verify: ccdl verify DIR.');
	}

	const folder = path.resolve(positionals[0]!);
	const rows = await readManifest(folder);
	if (!rows) {
		throw new UsageError(`${folder} has no ${manifestJsonName}; verify a folder that "ccdl download" wrote.`);
	}

	const expected = rows.filter(row => row.file && (row.status === 'valid' || row.status === 'skipped-identical'));
	const known = new Set(rows.filter(row => row.file).map(row => row.file.normalize('NFC')));
	const missing: string[] = [];
	const changed: Array<{file: string; reason: string}> = [];
	let ok = 0;
	for (const row of expected) {
		const file = path.resolve(folder, ...row.file.split('/'));
		if (!file.startsWith(folder + path.sep)) {
			changed.push({file: row.file, reason: 'the manifest points outside the folder'});
			continue;
		}

		const size = await fileSize(file);
		if (size === undefined) {
			missing.push(row.file);
		} else if (row.size !== '' && size !== Number(row.size)) {
			changed.push({file: row.file, reason: `size ${size}, manifest says ${row.size}`});
		} else if (row.sha256 && await hashFile(file) !== row.sha256) {
			changed.push({file: row.file, reason: 'SHA-256 differs from the manifest'});
		} else {
			ok++;
		}
	}

	const extra = (await walk(folder)).filter(file => !isOwnFile(file) && !known.has(file.normalize('NFC')));
	if (values.json) {
		process.stdout.write(`${JSON.stringify({folder, checked: expected.length, ok, missing, changed, extra}, null, 2)}\n`);
	} else {
		const lines = [
			...missing.map(file => `missing  ${visible(file)}`),
			...changed.map(item => `changed  ${visible(item.file)}: ${item.reason}`),
			...extra.map(file => `extra    ${visible(file)}`),
			`${ok} of ${expected.length} files match the manifest; ${missing.length} missing, ${changed.length} changed, ${extra.length} extra.`,
		];
		process.stdout.write(`${lines.join('\n')}\n`);
	}

	return missing.length + changed.length + extra.length > 0 ? exitCodes.someFailed : exitCodes.ok;
}
