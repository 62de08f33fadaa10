import type {MessageSet} from '../index.js';

/** The live download screen. */
export const download: MessageSet = {
	en: {
		'download.progress': '{percent}% · {done} of {total} · {rate}/s · ETA {eta}',
		'download.eta-unknown': '--:--:--',
		'download.counts': '{finished}/{files} files · {valid} valid · {failed} failed · {skipped} skipped · {running} running',
		'download.elapsed': 'elapsed {time}',
		'download.status.running': 'Downloading, {concurrency} at a time · Esc/q cancel · ? keys',
		'download.status.cancelling': 'Cancelling… files in flight keep their partial bytes for the next run.',
		'download.status.finished': 'Finished: preparing the summary…',
		'download.status.interrupted': 'Interrupted: preparing the summary…',
		'download.confirm': 'Cancel the download? (y/n)',
		'download.failures': 'Failed ({count}):',
		'download.failure': '{id} {path}: {reason}',
		'download.detail.failed': '{path}: {reason}',
		'download.detail.running': '{path} · {bytes} of {size}',
		'download.detail': '{path}',
		'help.download': 'Download: ↑ ↓ PgUp / PgDn Home / End move through the rows · ← → scroll the columns that do not fit · Esc or q cancel the download (asks first: y yes, n or Esc no) · ? this help',
	},
	hu: {
		'download.progress': '{percent}% · {done} / {total} · {rate}/s · hátralévő idő {eta}',
		'download.eta-unknown': '--:--:--',
		'download.counts': '{finished}/{files} fájl · {valid} valid · {failed} hibás · {skipped} kihagyva · {running} folyamatban',
		'download.elapsed': 'eltelt {time}',
		'download.status.running': 'Letöltés, egyszerre {concurrency} · Esc/q megszakítás · ? billentyűk',
		'download.status.cancelling': 'Megszakítás… a félig letöltött fájlok a következő futáskor folytatódnak.',
		'download.status.finished': 'Kész: az összegzés készül…',
		'download.status.interrupted': 'Megszakítva: az összegzés készül…',
		'download.confirm': 'Megszakítja a letöltést? (y/i = igen, n = nem)',
		'download.failures': 'Hibás ({count}):',
		'download.failure': '{id} {path}: {reason}',
		'download.detail.failed': '{path}: {reason}',
		'download.detail.running': '{path} · {bytes} / {size}',
		'download.detail': '{path}',
		'help.download': 'Letöltés: ↑ ↓ PgUp / PgDn Home / End mozgás a sorok között · ← → a ki nem férő oszlopok görgetése · Esc vagy q a letöltés megszakítása (előtte rákérdez: y vagy i igen, n vagy Esc nem) · ? ez a súgó',
	},
};
