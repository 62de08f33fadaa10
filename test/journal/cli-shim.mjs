// Runs one of the commands of this issue from the build (dist/commands/…) exactly as dist/cli.js runs a command:
// "--help" prints its help, a CcdlError becomes "ccdl: MESSAGE" and its exit code. Used until they are registered
// in cli.tsx; then the tests can call the real binary instead.
const commands = {
	search: ['search.js', 'runSearch', 'searchHelp'],
	schedule: ['schedule.js', 'runSchedule', 'scheduleHelp'],
	history: ['history.js', 'runHistory', 'historyHelp'],
	run: ['run-search.js', 'runRunSearch', 'runSearchHelp'],
	limits: ['limits.js', 'runLimits', 'limitsHelp'],
};
const [name, ...argv] = process.argv.slice(2);
const {CcdlError} = await import(new URL('../../dist/lib/errors.js', import.meta.url).href);
try {
	const entry = commands[name];
	if (!entry) {
		throw new Error(`unknown command ${name}`);
	}

	const module = await import(new URL(`../../dist/commands/${entry[0]}`, import.meta.url).href);
	if (argv.includes('--help')) {
		process.stdout.write(module[entry[2]]);
		process.exitCode = 0;
	} else {
		process.exitCode = await module[entry[1]](argv);
	}
} catch (error) {
	if (error instanceof CcdlError) {
		process.stderr.write(`ccdl: ${error.message}\n`);
		process.exitCode = error.exitCode;
	} else {
		process.stderr.write(`ccdl: internal error: ${error?.stack ?? error}\n`);
		process.exitCode = 70;
	}
}
