/**
 * Where ccdl keeps its files: the journal in the user's data folder (CCDL_DATA_DIR, else
 * $XDG_DATA_HOME/ccdl, else ~/.local/share/ccdl on Linux), and saved searches, schedules and limits in the config
 * folder (CCDL_CONFIG_DIR, else the folder conf uses: $XDG_CONFIG_HOME/ccdl or ~/.config/ccdl on Linux — the same
 * folder as config.json and profiles.json).
 */
import os from 'node:os';
import path from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env['CCDL_DATA_DIR']) {
		return path.resolve(env['CCDL_DATA_DIR']);
	}

	const home = os.homedir();
	if (process.platform === 'darwin') {
		return path.join(home, 'Library', 'Application Support', 'ccdl');
	}

	if (process.platform === 'win32') {
		return path.join(env['LOCALAPPDATA'] || path.join(home, 'AppData', 'Local'), 'ccdl', 'Data');
	}

	return path.join(env['XDG_DATA_HOME'] || path.join(home, '.local', 'share'), 'ccdl');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env['CCDL_CONFIG_DIR']) {
		return path.resolve(env['CCDL_CONFIG_DIR']);
	}

	const home = os.homedir();
	if (process.platform === 'darwin') {
		return path.join(home, 'Library', 'Preferences', 'ccdl');
	}

	if (process.platform === 'win32') {
		return path.join(env['APPDATA'] || path.join(home, 'AppData', 'Roaming'), 'ccdl', 'Config');
	}

	return path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), 'ccdl');
}
