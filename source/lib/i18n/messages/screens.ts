import type {MessageSet} from '../index.js';

/** Each screen's message set, registered here (one import per screen). */
export const screens: MessageSet[] = [];
