/** `ccdl profile …`: download profiles — list, show, create, edit, activate, deactivate, delete, assign, unassign. */
import {didYouMean} from '../lib/text/suggest.js';
import {safeJson} from '../lib/text/safe-json.js';
import {type Channel, channels} from '../lib/api/wire.js';
import {exitCodes, UsageError} from '../lib/errors.js';
import {
	checkMode, countRanges, defaultProfileName, describeCounts, describeMode, maxCount, parseCount, type Profile, ProfileError,
} from '../lib/profiles/model.js';
import {type AssignmentLevel, describeLevel} from '../lib/profiles/resolve.js';
import {describeAssignment, ProfileStore, profilesPath} from '../lib/profiles/store.js';
import {fit, visible} from '../lib/text/visible.js';
import {parseOptions} from './options.js';

export const profileHelp = `Usage: ccdl profile COMMAND [options]

Download profiles say how many files of each channel (voice, video, chat, email, social) ccdl transfers at once,
and in which mode. Without any assigned profile ccdl downloads --concurrency files of any channel at once.

Commands:
  list [--json]                         every profile, its counts, status and where it is assigned
  import --platform webex-cc --user ORGID [--server URL] [--replace] [--json]
                                        the Webex tenant's multimedia profiles as download profiles
  show NAME [--json]                    one profile
  create NAME --mode MODE [counts] [--description TEXT]
  edit NAME [--rename NEW] [--mode MODE] [counts] [--description TEXT]   ("" removes the description)
  activate NAME | deactivate NAME
  delete NAME                           only an inactive profile can be deleted
  assign NAME (--global | --company NAME | --campaign ID)
  unassign (--global | --company NAME | --campaign ID)
  which [--company NAME] [--campaign ID]
                                        the profile that applies there, and the level it comes from

Counts: --voice N --video N --chat N --email N --social N (files of that channel at once; unset = 0 on create,
unchanged on edit). A channel at 0 is not downloaded while the profile applies: its files are reported as
skipped (reason "profile"), not failed.

Modes and ranges:
  blended            channels at once, each with its own count: each 0-${maxCount}, at least one above 0
  blended-realtime   voice always on: voice 1-${maxCount} (required), chat 1-${maxCount}, video, email and social 0-${maxCount}
  exclusive          one channel at a time, in the order voice, video, chat, email, social; each channel is
                     finished before the next starts; its count (0-${maxCount}, at least one above 0) is how many
                     files of it at once

Names: letters (accented too), digits, spaces, "-" and "_", 1-64 characters, not starting or ending with a space;
unique ignoring case. Descriptions (optional): up to 200 characters; the same characters plus the light
punctuation . , ; : ( ) ' (a little more than names, so a description can read as a sentence).

${defaultProfileName} is built in (blended, voice 8, the rest 0): always active, cannot be edited, deactivated
or deleted, and can be assigned like any other.

Assignment: globally, per company (the name you log in with, compared ignoring case; else what the server reports at login, else the
server's host name's first label) and per campaign (by ID, as "ccdl list" shows). A campaign without its own
profile uses its company's, a company without one uses the global one; the global level is unassigned at first.
Only an active profile can be assigned; an assigned profile cannot be deactivated. "ccdl download --profile NAME"
uses an active profile for one run instead.

Files with different profiles are downloaded one profile after the other. The server's "slow down" (429/503)
still halves what is in flight, as a cap on top of the counts.

The profiles live in ${profilesPath()} (CCDL_CONFIG_DIR moves the folder).
`;

const countSpecs = {
	voice: {type: 'string'},
	video: {type: 'string'},
	chat: {type: 'string'},
	email: {type: 'string'},
	social: {type: 'string'},
} as const;

const levelSpecs = {
	global: {type: 'boolean'},
	company: {type: 'string'},
	campaign: {type: 'string'},
} as const;

const subcommands = {
	list: {specs: {json: {type: 'boolean'}}, names: 0},
	show: {specs: {json: {type: 'boolean'}}, names: 1},
	create: {specs: {mode: {type: 'string'}, description: {type: 'string'}, ...countSpecs}, names: 1},
	edit: {specs: {rename: {type: 'string'}, mode: {type: 'string'}, description: {type: 'string'}, ...countSpecs}, names: 1},
	activate: {specs: {}, names: 1},
	deactivate: {specs: {}, names: 1},
	delete: {specs: {}, names: 1},
	assign: {specs: levelSpecs, names: 1},
	unassign: {specs: levelSpecs, names: 0},
	which: {specs: {company: {type: 'string'}, campaign: {type: 'string'}}, names: 0},
} as const;

type Subcommand = keyof typeof subcommands;

function quoted(name: string): string {
	return `"${visible(name)}"`;
}

function countsFrom(values: Record<string, unknown>): Partial<Record<Channel, number>> {
	const counts: Partial<Record<Channel, number>> = {};
	for (const channel of channels) {
		const text = values[channel];
		if (typeof text === 'string') {
			counts[channel] = parseCount(channel, text);
		}
	}

	return counts;
}

function levelFrom(values: {global: boolean; company: string | undefined; campaign: string | undefined}, command: string): AssignmentLevel {
	const given = [values.global, values.company !== undefined, values.campaign !== undefined].filter(Boolean).length;
	if (given !== 1) {
		throw new UsageError(`"ccdl profile ${command}" needs exactly one of --global, --company NAME or --campaign ID.`);
	}

	if (values.global) {
		return {level: 'global'};
	}

	return values.company === undefined ? {level: 'campaign', campaignId: values.campaign!} : {level: 'company', company: values.company};
}

function profileJson(store: ProfileStore, profile: Profile): Record<string, unknown> {
	return {
		name: profile.name,
		description: profile.description ?? null,
		mode: profile.mode,
		counts: profile.counts,
		active: profile.active,
		builtIn: profile.builtIn === true,
		assigned: store.assignmentsOf(profile.name),
	};
}

function assignedText(store: ProfileStore, profile: Profile): string {
	const levels = store.assignmentsOf(profile.name);
	return levels.length === 0 ? '' : levels.map(level => describeLevel(level)).join(', ');
}

function listLines(store: ProfileStore): string[] {
	const profiles = store.list();
	const nameWidth = Math.max(4, ...profiles.map(profile => [...profile.name].length));
	const header = [fit('Name', nameWidth), fit('Mode', 16), ...channels.map(channel => channel.padStart(6)), fit('Status', 8), 'Assigned'].join('  ');
	const lines = [header];
	for (const profile of profiles) {
		lines.push([
			fit(visible(profile.name), nameWidth), fit(profile.mode, 16), ...channels.map(channel => String(profile.counts[channel]).padStart(6)),
			fit(profile.active ? 'active' : 'inactive', 8), [profile.builtIn ? 'built in' : '', assignedText(store, profile)].filter(Boolean).join('; '),
		].join('  ').trimEnd());
	}

	const {global} = store.assignments;
	lines.push('', global === undefined
		? 'Global: no profile assigned — files without a company or campaign profile go --concurrency at once, any channel.'
		: `Global: ${quoted(global)}.`);
	return lines;
}

function showLines(store: ProfileStore, profile: Profile): string[] {
	const ranges = countRanges[profile.mode];
	return [
		`Name:         ${visible(profile.name)}${profile.builtIn ? ' (built in: cannot be edited, deactivated or deleted)' : ''}`,
		`Description:  ${visible(profile.description ?? '')}`,
		`Mode:         ${describeMode(profile.mode)}`,
		...channels.map(channel => `${fit(`${channel}:`, 14)}${profile.counts[channel]}${profile.counts[channel] === 0 ? ' (not downloaded)' : ''}   [${ranges[channel].min}-${ranges[channel].max}]`),
		`Status:       ${profile.active ? 'active' : 'inactive'}`,
		`Assigned:     ${store.assignmentsOf(profile.name).map(level => describeAssignment(level)).join(', ') || 'nowhere'}`,
	];
}

function say(line: string): void {
	process.stdout.write(`${line}\n`);
}

export async function runProfile(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === undefined || command.startsWith('-')) {
		throw new UsageError(`Say what to do: ccdl profile ${Object.keys(subcommands).join('|')}; see "ccdl profile --help".`);
	}

	if (command === 'import') {
		const module = await import('./profile-import.js');
		if (rest.includes('--help') || rest.includes('-h')) {
			say(module.profileImportHelp);
			return exitCodes.ok;
		}

		return module.runProfileImport(rest);
	}

	if (!Object.hasOwn(subcommands, command)) {
		throw new UsageError(`"ccdl profile" has no command "${visible(command)}"${didYouMean(command, [...Object.keys(subcommands), 'import'])}; use ${Object.keys(subcommands).join(', ')}, import.`);
	}

	const sub = command as Subcommand;
	const {specs, names} = subcommands[sub];
	const {values, positionals} = parseOptions(rest, specs, `profile ${sub}`, true) as {values: Record<string, unknown>; positionals: string[]};
	if (positionals.length !== names) {
		throw new UsageError(names === 0
			? `"ccdl profile ${sub}" takes no name ("${visible(positionals[0] ?? '')}"); quote a name with spaces.`
			: positionals.length === 0
				? `"ccdl profile ${sub}" needs a profile name, e.g. ccdl profile ${sub} "Voice and chat".`
				: `"ccdl profile ${sub}" takes one profile name, not ${positionals.length}; quote a name with spaces, e.g. "Voice and chat".`);
	}

	const name = positionals[0] ?? '';
	const store = await ProfileStore.load();
	switch (sub) {
		case 'list': {
			if (values['json']) {
				const {global, companies, campaigns} = store.assignments;
				say(safeJson({
					file: store.file,
					profiles: store.list().map(profile => profileJson(store, profile)),
					assignments: {global: global ?? null, companies, campaigns},
				}, 2));
			} else {
				for (const line of listLines(store)) {
					say(line);
				}
			}

			return exitCodes.ok;
		}

		case 'show': {
			const profile = store.get(name);
			if (values['json']) {
				say(safeJson(profileJson(store, profile), 2));
			} else {
				for (const line of showLines(store, profile)) {
					say(line);
				}
			}

			return exitCodes.ok;
		}

		case 'create': {
			if (typeof values['mode'] !== 'string') {
				throw new ProfileError('profile-mode', 'A profile needs a mode: --mode blended, blended-realtime or exclusive.');
			}

			const profile = store.create({
				name, mode: checkMode(values['mode']), counts: countsFrom(values),
				...(typeof values['description'] === 'string' ? {description: values['description']} : {}),
			});
			await store.save();
			say(`Created profile ${quoted(profile.name)} (${profile.mode}: ${describeCounts(profile)}); it is active and not assigned yet.`);
			return exitCodes.ok;
		}

		case 'edit': {
			const counts = countsFrom(values);
			const changes = ['rename', 'mode', 'description'].some(key => values[key] !== undefined) || Object.keys(counts).length > 0;
			if (!changes) {
				// Checked after the name, so editing the default profile says why it cannot be edited.
				store.edit(name, {});
				throw new UsageError('Say what to change: --rename, --mode, --description or a count (--voice N, …).');
			}

			const profile = store.edit(name, {
				...(typeof values['rename'] === 'string' ? {rename: values['rename']} : {}),
				...(typeof values['mode'] === 'string' ? {mode: checkMode(values['mode'])} : {}),
				...(typeof values['description'] === 'string' ? {description: values['description']} : {}),
				counts,
			});
			await store.save();
			say(`Saved profile ${quoted(profile.name)} (${profile.mode}: ${describeCounts(profile)}).`);
			return exitCodes.ok;
		}

		case 'activate':
		case 'deactivate': {
			const active = sub === 'activate';
			const changed = store.setActive(name, active);
			const profile = store.get(name);
			if (changed) {
				await store.save();
			}

			say(`Profile ${quoted(profile.name)} is ${changed ? 'now' : 'already'} ${active ? 'active' : 'inactive'}.`);
			return exitCodes.ok;
		}

		case 'delete': {
			const profile = store.delete(name);
			await store.save();
			say(`Deleted profile ${quoted(profile.name)}.`);
			return exitCodes.ok;
		}

		case 'assign': {
			const level = levelFrom(values as {global: boolean; company: string | undefined; campaign: string | undefined}, sub);
			const {profile, previous} = store.assign(name, level);
			await store.save();
			say(`Profile ${quoted(profile.name)} is now assigned ${describeAssignment(level.level === 'company' ? {level: 'company', company: level.company.trim()} : level)}`
				+ `${previous && previous !== profile.name ? ` (instead of ${quoted(previous)})` : ''}.`);
			return exitCodes.ok;
		}

		case 'unassign': {
			const level = levelFrom(values as {global: boolean; company: string | undefined; campaign: string | undefined}, sub);
			const previous = store.unassign(level);
			if (previous === undefined) {
				say(`No profile was assigned ${describeAssignment(level)}; nothing changed.`);
				return exitCodes.ok;
			}

			await store.save();
			say(`Profile ${quoted(previous)} is no longer assigned ${describeAssignment(level)}; ${level.level === 'global' ? 'files without a company or campaign profile now go --concurrency at once.' : 'the level above applies there now.'}`);
			return exitCodes.ok;
		}

		case 'which': {
			const company = typeof values['company'] === 'string' ? values['company'] : undefined;
			const campaign = typeof values['campaign'] === 'string' ? values['campaign'] : undefined;
			const resolved = store.resolve(company, campaign);
			say(resolved
				? `${quoted(resolved.profile.name)} (assigned: ${describeLevel(resolved.from)}) — ${resolved.profile.mode}: ${describeCounts(resolved.profile)}`
				: 'No profile: --concurrency files of any channel at once.');
			return exitCodes.ok;
		}
	}
}
