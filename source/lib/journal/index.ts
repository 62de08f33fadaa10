/** The journal: runs and items in SQLite, shared safely by every ccdl process of the user. */
export * from './download.js';
export * from './journal.js';
export * from './paths.js';
export {configDir, dataDir} from '../settings/paths.js';
