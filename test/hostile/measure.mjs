/**
 * Runs the ccdl CLI inside this process and, as it exits, writes its peak resident set size (kB) to the file named by
 * the first argument: `node measure.mjs RSS_FILE path/to/cli.js ARGS…`. The measured process is ccdl itself, so no
 * /usr/bin/time is needed.
 */
import {writeFileSync} from 'node:fs';
import {pathToFileURL} from 'node:url';

const [rssFile, cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
process.on('exit', () => {
	writeFileSync(rssFile, String(process.resourceUsage().maxRSS));
});
await import(pathToFileURL(cli).href);
