/** Installed schedules, in `schedules.json` in ccdl's config folder (what `ccdl schedule list` shows). */
import path from 'node:path';
import {UsageError} from '../errors.js';
import {configDir} from '../settings/paths.js';
import {damaged, readConfigFile, writeConfigFile} from '../settings/config-file.js';
import type {Schedule} from './model.js';

export const schedulesFileName = 'schedules.json';
export const schedulesVersion = 1;

export function schedulesPath(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(configDir(env), schedulesFileName);
}

export class ScheduleStore {
	readonly file: string;
	#schedules: Schedule[];

	constructor(file: string, schedules: Schedule[] = []) {
		this.file = file;
		this.#schedules = schedules;
	}

	static async load(file: string = schedulesPath()): Promise<ScheduleStore> {
		const stored = await readConfigFile(file, schedulesVersion, 'schedules');
		if (!stored) {
			return new ScheduleStore(file);
		}

		const list = stored['schedules'];
		if (!Array.isArray(list)) {
			throw damaged(file, 'schedules', '"schedules" is not a list');
		}

		for (const [index, item] of list.entries()) {
			const entry = item as Partial<Schedule> | null;
			if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || typeof entry.at !== 'string'
				|| (entry.via !== 'cron' && entry.via !== 'systemd') || !Array.isArray(entry.command) || typeof entry.recurrence !== 'object') {
				throw damaged(file, 'schedules', `schedule ${index + 1} lacks a name, time, way or command`);
			}
		}

		return new ScheduleStore(file, list as Schedule[]);
	}

	list(): Schedule[] {
		return [...this.#schedules].sort((a, b) => a.name.localeCompare(b.name));
	}

	find(name: string): Schedule | undefined {
		return this.#schedules.find(schedule => schedule.name.toLowerCase() === name.toLowerCase());
	}

	get(name: string): Schedule {
		const schedule = this.find(name);
		if (!schedule) {
			const names = this.list().map(item => item.name);
			throw new UsageError(names.length === 0 ? `There is no schedule "${name}" (none is installed).` : `There is no schedule "${name}"; installed: ${names.join(', ')}.`);
		}

		return schedule;
	}

	put(schedule: Schedule): void {
		this.#schedules = [...this.#schedules.filter(item => item.name.toLowerCase() !== schedule.name.toLowerCase()), schedule];
	}

	remove(name: string): void {
		this.#schedules = this.#schedules.filter(item => item.name.toLowerCase() !== name.toLowerCase());
	}

	async save(): Promise<void> {
		await writeConfigFile(this.file, {version: schedulesVersion, schedules: this.#schedules});
	}
}
