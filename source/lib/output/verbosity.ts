/**
 * How much the headless commands say on stderr, set once by cli.tsx from the global -q/--quiet and -v/--verbose and
 * read by the reporters. A setting of the process, not of the environment: nothing here reads process.env.
 *
 * - quiet: problems only — failed files, contacts not marked archived, fatal errors, an interruption; no plan, no
 *   progress, no summary when everything went well.
 * - normal: the plan, one line per finished file (or a live line on a terminal), the summary.
 * - verbose: also every start, resume and retry, even on a terminal.
 */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

let current: Verbosity = 'normal';

export function setVerbosity(verbosity: Verbosity): void {
	current = verbosity;
}

export function verbosity(): Verbosity {
	return current;
}

export function isQuiet(): boolean {
	return current === 'quiet';
}

export function isVerbose(): boolean {
	return current === 'verbose';
}

/**
 * `argv` without the global verbosity flags (anywhere before a `--`), and the verbosity they ask for: the last one
 * given wins, as with most tools. `-qv`-style bundles of only q and v count too.
 */
export function takeVerbosityFlags(argv: readonly string[]): {argv: string[]; verbosity: Verbosity | undefined} {
	const rest: string[] = [];
	let found: Verbosity | undefined;
	let ended = false;
	for (const argument of argv) {
		if (!ended && argument === '--') {
			ended = true;
		}

		if (!ended && (argument === '--quiet' || argument === '--verbose' || /^-[qv]+$/.test(argument))) {
			const last = argument.startsWith('--') ? argument.slice(2, 3) : argument.at(-1);
			found = last === 'q' ? 'quiet' : 'verbose';
			continue;
		}

		rest.push(argument);
	}

	return {argv: rest, verbosity: found};
}
