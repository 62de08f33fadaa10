/**
 * Saved searches in `searches.json` in ccdl's config folder (CCDL_CONFIG_DIR, else ~/.config/ccdl on Linux):
 * `{version, searches: [...]}`, replaced atomically, private to the user. Names are unique ignoring case.
 */
import path from 'node:path';
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {configDir} from '../settings/paths.js';
import {damaged, readConfigFile, writeConfigFile} from '../settings/config-file.js';
import {foldSearchName, type SavedSearch} from './model.js';

export const searchesFileName = 'searches.json';
export const searchesVersion = 1;

export function searchesPath(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(configDir(env), searchesFileName);
}

function checkStored(file: string, raw: unknown, index: number): SavedSearch {
	const what = `search ${index + 1}`;
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
		throw damaged(file, 'saved searches', `${what} is not an object`);
	}

	const item = raw as Record<string, unknown>;
	const strings = ['name', 'timeZone', 'outDir', 'template', 'transcripts', 'mode', 'createdAt', 'updatedAt'] as const;
	for (const key of strings) {
		if (typeof item[key] !== 'string') {
			throw damaged(file, 'saved searches', `${what} has no "${key}"`);
		}
	}

	for (const key of ['server', 'company', 'user', 'dateRule', 'dateFormat', 'profile'] as const) {
		if (item[key] !== undefined && typeof item[key] !== 'string') {
			throw damaged(file, 'saved searches', `${what}'s "${key}" is not text`);
		}
	}

	for (const key of ['campaigns', 'channels'] as const) {
		if (!Array.isArray(item[key]) || (item[key] as unknown[]).some(value => typeof value !== 'string')) {
			throw damaged(file, 'saved searches', `${what}'s "${key}" is not a list of text`);
		}
	}

	for (const key of ['allCampaigns', 'includeArchived', 'overwrite', 'noArchive', 'csvBom'] as const) {
		if (typeof item[key] !== 'boolean') {
			throw damaged(file, 'saved searches', `${what}'s "${key}" is not true or false`);
		}
	}

	if (item['concurrency'] !== undefined && (typeof item['concurrency'] !== 'number' || !Number.isInteger(item['concurrency']))) {
		throw damaged(file, 'saved searches', `${what}'s "concurrency" is not a whole number`);
	}

	// Channel names, the rule and the template are checked by the completeness check when the search runs.
	return item as unknown as SavedSearch;
}

export class SearchStore {
	readonly file: string;
	#searches: SavedSearch[];

	constructor(file: string, searches: SavedSearch[] = []) {
		this.file = file;
		this.#searches = searches;
	}

	static async load(file: string = searchesPath()): Promise<SearchStore> {
		const stored = await readConfigFile(file, searchesVersion, 'saved searches');
		if (!stored) {
			return new SearchStore(file);
		}

		if (!Array.isArray(stored['searches'])) {
			throw damaged(file, 'saved searches', '"searches" is not a list');
		}

		const searches = (stored['searches'] as unknown[]).map((raw, index) => checkStored(file, raw, index));
		const seen = new Set<string>();
		for (const search of searches) {
			if (seen.has(foldSearchName(search.name))) {
				throw damaged(file, 'saved searches', `the name "${search.name}" is there twice`);
			}

			seen.add(foldSearchName(search.name));
		}

		return new SearchStore(file, searches);
	}

	list(): SavedSearch[] {
		return [...this.#searches].sort((a, b) => a.name.localeCompare(b.name));
	}

	find(name: string): SavedSearch | undefined {
		return this.#searches.find(search => foldSearchName(search.name) === foldSearchName(name));
	}

	/** The search, or a UsageError listing the saved ones. */
	get(name: string): SavedSearch {
		const search = this.find(name);
		if (!search) {
			const names = this.list().map(item => item.name);
			throw new UsageError(...(names.length === 0
				? phrased('cli.error.no-search-yet', {name})
				: phrased('cli.error.no-such-search', {name, names: names.join(', ')})));
		}

		return search;
	}

	/** Adds or (with `replace`) replaces a search; keeps the first creation time. */
	put(search: SavedSearch, replace: boolean): 'created' | 'replaced' {
		const existing = this.find(search.name);
		if (existing && !replace) {
			throw new UsageError(`A saved search "${existing.name}" exists already (names are compared ignoring case); add --replace to replace it.`);
		}

		if (existing) {
			this.#searches = this.#searches.map(item => item === existing ? {...search, createdAt: existing.createdAt} : item);
			return 'replaced';
		}

		this.#searches.push(search);
		return 'created';
	}

	remove(name: string): SavedSearch {
		const search = this.get(name);
		this.#searches = this.#searches.filter(item => item !== search);
		return search;
	}

	async save(): Promise<void> {
		await writeConfigFile(this.file, {version: searchesVersion, searches: this.#searches});
	}
}
