import type {MessageSet} from '../index.js';
import {campaigns} from './campaigns.js';
import {cliErrors} from './cli-errors.js';
import {download} from './download.js';
import {fileName} from './file-name.js';
import {filters} from './filters.js';
import {headless} from './headless.js';
import {history} from './history.js';
import {list} from './list.js';
import {login} from './login.js';
import {profiles} from './profiles.js';
import {saveSearch} from './save-search.js';
import {summary} from './summary.js';
import {table} from './table.js';

/** Each screen's message set, and the headless commands' (their output and their errors), registered here (one import each). */
export const screens: MessageSet[] = [list, download, summary, login, campaigns, filters, fileName, profiles, history, saveSearch, table, headless, cliErrors];
