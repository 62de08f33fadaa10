/**
 * `ccdl completion bash|zsh|fish`: a completion script for the shell. The commands, their subcommands and every
 * flag come from the commands themselves — each one's option specs are taken from its own parseOptions call (see
 * captureOptions) — so the script offers exactly what ccdl accepts.
 */
import {exitCodes, UsageError} from '../lib/errors.js';
import {langs} from '../lib/i18n/index.js';
import {profileModes} from '../lib/profiles/model.js';
import {exportModes} from '../lib/searches/model.js';
import {audioFormats, channels} from '../lib/sources/model.js';
import {platformKeys} from '../lib/sources/registry.js';
import {didYouMean} from '../lib/text/suggest.js';
import {visible} from '../lib/text/visible.js';
import {commandNames, commands} from './help.js';
import {captureOptions, type OptionSpecs, parseOptions} from './options.js';

export const completionHelp = `Usage: ccdl completion bash|zsh|fish

Prints a script that completes ccdl's commands, subcommands (profile, search, schedule, limits) and flags, and
the values of --channel, --platform, --mode, --audio-format and --lang; other values complete as file names.

  bash   source <(ccdl completion bash)             in ~/.bashrc
  zsh    source <(ccdl completion zsh)              in ~/.zshrc, after compinit; or save it as _ccdl in $fpath
  fish   ccdl completion fish > ~/.config/fish/completions/ccdl.fish
`;

export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/** The subcommands of the commands that have them (each parses its own flags). */
const nested: Record<string, readonly string[]> = {
	profile: ['list', 'show', 'create', 'edit', 'activate', 'deactivate', 'delete', 'assign', 'unassign', 'which', 'import'],
	search: ['save', 'list', 'show', 'delete'],
	schedule: ['add', 'list', 'remove'],
	limits: ['show', 'set'],
};

/** Where a positional argument is a path (others are names: a search, a profile). */
const takesPaths = new Set(['ccdl verify']);

/** The flags every command takes (cli.tsx handles them). */
const globalFlags: Flag[] = [
	{long: '--help', short: '-h', takesValue: false, choices: []},
	{long: '--quiet', short: '-q', takesValue: false, choices: []},
	{long: '--verbose', short: '-v', takesValue: false, choices: []},
];

export interface Flag {
	long: string;
	short?: string;
	takesValue: boolean;
	/** Values to offer; none = file names. */
	choices: readonly string[];
}

/** One place in the command tree: `ccdl`, `ccdl list`, `ccdl profile create`. */
export interface CompletionNode {
	path: string;
	subcommands: readonly string[];
	flags: readonly Flag[];
	paths: boolean;
}

function choicesFor(path: string, flag: string): readonly string[] {
	switch (flag) {
		case 'channel': {
			return channels;
		}

		case 'platform': {
			return platformKeys();
		}

		case 'audio-format': {
			return audioFormats;
		}

		case 'lang': {
			return langs;
		}

		case 'mode': {
			return path.startsWith('ccdl profile') ? profileModes : exportModes;
		}

		default: {
			return [];
		}
	}
}

function flagsOf(path: string, specs: OptionSpecs): Flag[] {
	return Object.entries(specs).map(([name, spec]) => ({
		long: `--${name}`, ...spec.short ? {short: `-${spec.short}`} : {}, takesValue: spec.type !== 'boolean', choices: choicesFor(path, name),
	}));
}

async function specsOf(run: () => Promise<unknown>, where: string): Promise<OptionSpecs> {
	const captured = await captureOptions(run);
	if (!captured) {
		throw new Error(`"${where}" parsed no options; completion cannot see its flags`);
	}

	return captured.specs;
}

/** The whole command tree, each node with the flags its command parses. */
export async function completionTree(): Promise<CompletionNode[]> {
	const {runInteractive} = await import('./interactive.js');
	const nodes: CompletionNode[] = [{
		path: 'ccdl', subcommands: commandNames, paths: false,
		flags: [...flagsOf('ccdl', await specsOf(async () => runInteractive([]), 'ccdl')), ...globalFlags, {long: '--version', short: '-V', takesValue: false, choices: []}],
	}];
	for (const name of commandNames) {
		const path = `ccdl ${name}`;
		if (name === 'help') {
			nodes.push({path, subcommands: commandNames.filter(other => other !== 'help'), flags: globalFlags, paths: false});
			continue;
		}

		if (name === 'completion') {
			nodes.push({path, subcommands: shells, flags: globalFlags, paths: false});
			continue;
		}

		const command = await commands[name]!();
		const subcommands = nested[name];
		if (!subcommands) {
			nodes.push({path, subcommands: [], flags: [...flagsOf(path, await specsOf(async () => command.run([]), path)), ...globalFlags], paths: takesPaths.has(path)});
			continue;
		}

		// "ccdl limits --json" is "ccdl limits show --json": the first subcommand's flags work without it there.
		const bare = name === 'limits' ? flagsOf(path, await specsOf(async () => command.run(['show']), path)) : [];
		nodes.push({path, subcommands, flags: [...bare, ...globalFlags], paths: false});
		for (const subcommand of subcommands) {
			const subPath = `${path} ${subcommand}`;
			nodes.push({
				path: subPath, subcommands: [], paths: takesPaths.has(subPath),
				flags: [...flagsOf(subPath, await specsOf(async () => command.run([subcommand]), subPath)), ...globalFlags],
			});
		}
	}

	return nodes;
}

/** Every word that goes into a script: shell-safe by construction, checked anyway. */
function word(text: string): string {
	if (!/^[\w.@+-]+$/.test(text)) {
		throw new Error(`completion: "${text}" is not a plain word`);
	}

	return text;
}

function words(list: readonly string[]): string {
	return list.map(text => word(text)).join(' ');
}

function allFlags(node: CompletionNode): string[] {
	return node.flags.flatMap(flag => [flag.long, ...flag.short ? [flag.short] : []]);
}

function valuedFlags(node: CompletionNode): string[] {
	return node.flags.filter(flag => flag.takesValue).flatMap(flag => [flag.long, ...flag.short ? [flag.short] : []]);
}

/** The tables as POSIX-style shell functions, which bash and zsh both read. */
function shTables(nodes: readonly CompletionNode[]): string {
	const table = (name: string, value: (node: CompletionNode) => string) => [
		`${name}() {`,
		'\tcase "$1" in',
		...nodes.map(node => `\t\t'${words(node.path.split(' '))}') echo '${value(node)}' ;;`),
		'\tesac',
		'}',
	].join('\n');
	const choices = nodes.flatMap(node => node.flags.filter(flag => flag.choices.length > 0).flatMap(flag =>
		[flag.long, ...flag.short ? [flag.short] : []].map(spelling => `\t\t'${words(node.path.split(' '))}|${word(spelling)}') echo '${words(flag.choices)}' ;;`)));
	return [
		table('__ccdl_subs', node => words(node.subcommands)),
		table('__ccdl_flags', node => words(allFlags(node))),
		table('__ccdl_valued', node => words(valuedFlags(node))),
		['__ccdl_choices() {', '\tcase "$1|$2" in', ...choices, '\tesac', '}'].join('\n'),
		['__ccdl_paths() {', '\tcase "$1" in', ...nodes.filter(node => node.paths).map(node => `\t\t'${words(node.path.split(' '))}') return 0 ;;`), '\tesac', '\treturn 1', '}'].join('\n'),
	].join('\n\n');
}

/**
 * Walks the words before the cursor: a known subcommand extends the path (`ccdl profile create`), a flag that takes
 * a value skips that value. Shared by bash and zsh; `$1` is the first index, `$2` the cursor's, words in `__ccdl_words`.
 */
const shWalk = `__ccdl_walk() {
	__ccdl_path=ccdl; __ccdl_flag=''; __ccdl_skip=0; __ccdl_ended=0
	local i word
	for (( i = $1; i < $2; i++ )); do
		word="\${__ccdl_words[i]}"
		if (( __ccdl_skip )); then __ccdl_skip=0; __ccdl_flag=''; continue; fi
		case "$word" in
			--) __ccdl_ended=1 ;;
			--*=*) ;;
			-*) if (( ! __ccdl_ended )) && [[ " $(__ccdl_valued "$__ccdl_path") " == *" $word "* ]]; then __ccdl_skip=1; __ccdl_flag="$word"; fi ;;
			*) if (( ! __ccdl_ended )) && [[ " $(__ccdl_subs "$__ccdl_path") " == *" $word "* ]]; then __ccdl_path="$__ccdl_path $word"; fi ;;
		esac
	done
}`;

function bashScript(nodes: readonly CompletionNode[]): string {
	return `# ccdl completion for bash: source <(ccdl completion bash)
${shTables(nodes)}

${shWalk}

_ccdl() {
	local cur="\${COMP_WORDS[COMP_CWORD]}" choices
	local -a __ccdl_words=("\${COMP_WORDS[@]}")
	__ccdl_walk 1 "$COMP_CWORD"
	COMPREPLY=()
	if (( __ccdl_skip )); then
		choices="$(__ccdl_choices "$__ccdl_path" "$__ccdl_flag")"
		if [[ -n "$choices" ]]; then
			COMPREPLY=($(compgen -W "$choices" -- "$cur"))
		else
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return 0
	fi

	if [[ "$cur" == -* ]] && (( ! __ccdl_ended )); then
		COMPREPLY=($(compgen -W "$(__ccdl_flags "$__ccdl_path")" -- "$cur"))
		return 0
	fi

	COMPREPLY=($(compgen -W "$(__ccdl_subs "$__ccdl_path")" -- "$cur"))
	if (( \${#COMPREPLY[@]} == 0 )) && __ccdl_paths "$__ccdl_path"; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	fi

	return 0
}

complete -F _ccdl ccdl
`;
}

function zshScript(nodes: readonly CompletionNode[]): string {
	return `#compdef ccdl
# ccdl completion for zsh: source <(ccdl completion zsh) after compinit, or save as _ccdl in a folder of $fpath
${shTables(nodes)}

${shWalk}

_ccdl() {
	local cur="\${words[CURRENT]}" choices
	local -a __ccdl_words=("\${words[@]}")
	__ccdl_walk 2 "$CURRENT"
	if (( __ccdl_skip )); then
		choices="$(__ccdl_choices "$__ccdl_path" "$__ccdl_flag")"
		if [[ -n "$choices" ]]; then compadd -- \${=choices}; else _files; fi
		return
	fi

	if [[ "$cur" == -* ]] && (( ! __ccdl_ended )); then
		local flags="$(__ccdl_flags "$__ccdl_path")"
		compadd -- \${=flags}
		return
	fi

	local subs="$(__ccdl_subs "$__ccdl_path")"
	if [[ -n "$subs" ]]; then
		compadd -- \${=subs}
	elif __ccdl_paths "$__ccdl_path"; then
		_files
	fi
}

if [[ "\${funcstack[1]}" == _ccdl ]]; then
	_ccdl "$@"
else
	compdef _ccdl ccdl
fi
`;
}

function fishScript(nodes: readonly CompletionNode[]): string {
	const table = (name: string, value: (node: CompletionNode) => string) => [
		`function ${name}`,
		'    switch $argv[1]',
		...nodes.flatMap(node => [`        case '${words(node.path.split(' '))}'`, `            echo '${value(node)}'`]),
		'    end',
		'end',
	].join('\n');
	const choices = nodes.flatMap(node => node.flags.filter(flag => flag.choices.length > 0).flatMap(flag =>
		[flag.long, ...flag.short ? [flag.short] : []].flatMap(spelling => [`        case '${words(node.path.split(' '))}|${word(spelling)}'`, `            echo '${words(flag.choices)}'`])));
	return `# ccdl completion for fish: ccdl completion fish > ~/.config/fish/completions/ccdl.fish
${table('__ccdl_subs', node => words(node.subcommands))}

${table('__ccdl_flags', node => words(allFlags(node)))}

${table('__ccdl_valued', node => words(valuedFlags(node)))}

function __ccdl_choices
    switch "$argv[1]|$argv[2]"
${choices.join('\n')}
    end
end

function __ccdl_paths
    switch $argv[1]
${nodes.filter(node => node.paths).map(node => `        case '${words(node.path.split(' '))}'\n            return 0`).join('\n')}
    end
    return 1
end

function __ccdl_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l path ccdl
    set -l flag ''
    set -l skip 0
    set -l ended 0
    for word in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            set flag ''
            continue
        end
        switch $word
            case '--'
                set ended 1
            case '--*=*'
            case '-*'
                if test $ended = 0; and contains -- $word (string split -n -- ' ' (__ccdl_valued $path))
                    set skip 1
                    set flag $word
                end
            case '*'
                if test $ended = 0; and contains -- $word (string split -n -- ' ' (__ccdl_subs $path))
                    set path "$path $word"
                end
        end
    end

    if test $skip = 1
        set -l choices (__ccdl_choices $path $flag)
        if test -n "$choices"
            string split -n -- ' ' $choices
        else
            __fish_complete_path $cur
        end
        return
    end

    if string match -q -- '-*' $cur; and test $ended = 0
        string split -n -- ' ' (__ccdl_flags $path)
        return
    end

    set -l subs (__ccdl_subs $path)
    if test -n "$subs"
        string split -n -- ' ' $subs
    else if __ccdl_paths $path
        __fish_complete_path $cur
    end
end

complete -c ccdl -e
complete -c ccdl -f -a '(__ccdl_complete)'
`;
}

/** The completion script for `shell`. */
export async function completionScript(shell: Shell): Promise<string> {
	const nodes = await completionTree();
	return shell === 'bash' ? bashScript(nodes) : shell === 'zsh' ? zshScript(nodes) : fishScript(nodes);
}

export async function runCompletion(argv: string[]): Promise<number> {
	const {positionals} = parseOptions(argv, {}, 'completion', true);
	const [shell, ...extra] = positionals;
	if (shell === undefined || extra.length > 0) {
		throw new UsageError('Name one shell: ccdl completion bash, zsh or fish.');
	}

	if (!(shells as readonly string[]).includes(shell)) {
		throw new UsageError(`There is no completion for "${visible(shell)}"${didYouMean(shell, shells)}; use bash, zsh or fish.`);
	}

	process.stdout.write(await completionScript(shell as Shell));
	return exitCodes.ok;
}
