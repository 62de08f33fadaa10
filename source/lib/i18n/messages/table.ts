import type {MessageSet} from '../index.js';

/** What every table says about filtering (`/`) and a row's detail (Enter), and the list screen's keys with them. */
export const table: MessageSet = {
	en: {
		'table.filter': 'Filter: {query}',
		'table.filter.typing': 'Filter: {query}▏  (Enter keep · Esc clear)',
		'table.filter.count': '{shown} of {total} rows',
		'table.filter.none': 'No row contains "{query}"; Esc clears the filter.',
		'table.detail.keys': 'Esc, q or Enter back to the list · d download',
		'scroll.position': 'lines {from}–{to} of {total} · ↑ ↓ PgUp PgDn Home End scroll',
		'list.detail.title': 'Contact {id}',
		'list.detail.path': 'Full path',
		'list.detail.files': 'Files',
		'list.keys.table': 'd download · Enter row detail · / filter · ↑↓ j k g G rows · ←→ columns · Esc/q back · ? keys',
		'help.table': 'In tables: ↑ ↓ or j k a row · PgUp / PgDn or Ctrl-B / Ctrl-F a page · Home / End or g G first / last · ← → columns · / filters the rows as you type (Enter keeps the filter, Esc clears it) · Enter on a list row shows all of it · q or Esc back',
	},
	hu: {
		'table.filter': 'Szűrő: {query}',
		'table.filter.typing': 'Szűrő: {query}▏  (Enter megtartja · Esc törli)',
		'table.filter.count': '{shown} sor / {total}',
		'table.filter.none': 'Egyik sor sem tartalmazza: „{query}”; az Esc törli a szűrőt.',
		'table.detail.keys': 'Esc, q vagy Enter vissza a listához · d letöltés',
		'scroll.position': '{from}–{to}. sor / {total} · ↑ ↓ PgUp PgDn Home End görget',
		'list.detail.title': '{id} kontakt',
		'list.detail.path': 'Teljes útvonal',
		'list.detail.files': 'Fájlok',
		'list.keys.table': 'd letöltés · Enter sor részletei · / szűrő · ↑↓ j k g G sorok · ←→ oszlopok · Esc/q vissza · ? billentyűk',
		'help.table': 'Táblázatokban: ↑ ↓ vagy j k egy sor · PgUp / PgDn vagy Ctrl-B / Ctrl-F egy oldal · Home / End vagy g G első / utolsó · ← → oszlopok · a / gépelés közben szűri a sorokat (Enter megtartja, Esc törli) · Enter a lista során a teljes sort mutatja · q vagy Esc vissza',
	},
};
