/**
 * `ccdl profile import --platform webex-cc --user ORGID [--server URL] [--replace] [--json]`: the tenant's Webex
 * multimedia profiles become ccdl download profiles (see lib/profiles/import-webex.ts). Logs in like `ccdl download`
 * (the secret from CCDL_PASSWORD, --password-stdin or a prompt; refresh credentials from CCDL_WEBEX_* only).
 *
 * Exit 0 when every profile was imported, updated or already there; 1 when some broke ccdl's rules and were not
 * imported (each is reported with its name and the rule); 2 for usage, 3 for authentication, 4 for the server.
 */
import {exitCodes, UsageError} from '../lib/errors.js';
import {describeCounts} from '../lib/profiles/model.js';
import {fetchMultimediaProfiles, importWebexProfiles, type ImportOutcome} from '../lib/profiles/import-webex.js';
import {ProfileStore} from '../lib/profiles/store.js';
import {WebexCcSource} from '../lib/sources/webex-cc/source.js';
import {safeJson} from '../lib/text/safe-json.js';
import {visible} from '../lib/text/visible.js';
import {connect, connectionOptionSpecs, type ConnectionValues} from './connection.js';
import {parseOptions} from './options.js';

export const profileImportHelp = `Usage: ccdl profile import --platform webex-cc --user ORGID [--server URL] [--replace] [--json]

Reads the Webex Contact Center organisation's multimedia profiles and creates download profiles with the same
names, modes (BLENDED, BLENDED_REALTIME, EXCLUSIVE → blended, blended-realtime, exclusive), counts (telephony → voice,
chat, email, social; video 0) and status (active or inactive). A name ccdl does not allow is made valid and said so.
A profile whose counts break ccdl's ranges is reported, not imported (never clamped). An existing profile of the same
name is left alone unless --replace; Default_Voice_Profile is never changed.

The access token is the password (CCDL_PASSWORD, --password-stdin or a prompt); with CCDL_WEBEX_REFRESH_TOKEN,
CCDL_WEBEX_CLIENT_ID and CCDL_WEBEX_CLIENT_SECRET set, ccdl renews it itself.
`;

const specs = {
	...connectionOptionSpecs,
	replace: {type: 'boolean'},
	json: {type: 'boolean'},
} as const;

function line(outcome: ImportOutcome): string {
	const name = JSON.stringify(visible(outcome.name ?? outcome.webexName));
	const notes = outcome.notes.length > 0 ? ` [${outcome.notes.map(note => visible(note)).join('; ')}]` : '';
	if (outcome.action === 'skipped') {
		return `skipped   ${JSON.stringify(visible(outcome.webexName))}: ${visible(outcome.reason ?? '')}${notes}`;
	}

	const profile = outcome.profile!;
	return `${outcome.action.padEnd(9)} ${name} (${profile.mode}: ${describeCounts(profile)}; ${profile.active ? 'active' : 'inactive'})${notes}`;
}

/** `argv` is what follows `ccdl profile import`. Prints to stdout; returns the exit code. */
export async function runProfileImport(argv: string[], signal?: AbortSignal): Promise<number> {
	const {values} = parseOptions(argv, specs, 'profile import') as unknown as {values: ConnectionValues & {replace?: boolean; json?: boolean}};
	const platform = values.platform ?? process.env['CCDL_PLATFORM'];
	if (platform !== 'webex-cc') {
		throw new UsageError('"ccdl profile import" reads Webex Contact Center multimedia profiles: give --platform webex-cc.');
	}

	// Checked before logging in, so a damaged profiles file costs no token.
	const store = await ProfileStore.load();
	const source = await connect({...values, platform, 'password-stdin': values['password-stdin'] ?? false}, signal);
	if (!(source instanceof WebexCcSource)) {
		throw new UsageError('"ccdl profile import" works with --platform webex-cc only.');
	}

	const orgPath = `/organization/${encodeURIComponent(source.http.orgId)}/multimedia-profile`;
	const raws = await fetchMultimediaProfiles(async page => source.http.json<unknown>('GET', orgPath, {
		search: new URLSearchParams({page: String(page), pageSize: '100'}), ...(signal ? {signal} : {}),
	}));
	const outcomes = importWebexProfiles(store, raws, {replace: values.replace === true});
	if (outcomes.some(outcome => outcome.action !== 'skipped')) {
		await store.save();
	}

	if (values.json) {
		process.stdout.write(`${safeJson({
			file: store.file,
			organization: source.http.orgId,
			profiles: outcomes.map(outcome => ({
				action: outcome.action,
				name: outcome.name ?? null,
				webexName: outcome.webexName,
				webexId: outcome.webexId,
				reason: outcome.reason ?? null,
				notes: outcome.notes,
				...(outcome.profile ? {mode: outcome.profile.mode, counts: outcome.profile.counts, active: outcome.profile.active} : {}),
			})),
		}, 2)}\n`);
	} else {
		for (const outcome of outcomes) {
			process.stdout.write(`${line(outcome)}\n`);
		}

		const count = (action: ImportOutcome['action']) => outcomes.filter(outcome => outcome.action === action).length;
		process.stdout.write(`${count('imported')} imported, ${count('updated')} updated, ${count('skipped')} skipped → ${store.file}\n`);
	}

	return outcomes.some(outcome => outcome.broken) ? exitCodes.someFailed : exitCodes.ok;
}
