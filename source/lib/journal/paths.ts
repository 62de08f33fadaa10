/** The journal's file, in ccdl's data folder. */
import path from 'node:path';
import {dataDir} from '../settings/paths.js';

export const journalFileName = 'journal.db';

export function journalPath(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(dataDir(env), journalFileName);
}
