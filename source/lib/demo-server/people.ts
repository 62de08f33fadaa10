/**
 * The demo tenant's fixed cast: campaigns, operators, terminations. Names are Hungarian with accents, and campaign
 * names deliberately carry characters that are unsafe in file names (`/`, `:`, `*`, `?`, `"`, `<`, `>`, `|`).
 */
import type {Channel} from '../api/wire.js';

export interface DemoCampaign {
	id: string;
	name: string;
	channels: Channel[];
}

export interface DemoOperator {
	id: string;
	lastName: string;
	firstName: string;
	group: string;
	team: string;
	acdId: string;
}

export interface DemoTermination {
	id: string;
	name: string;
	/** The contact never reached an operator. */
	unanswered?: boolean;
}

export const campaigns: DemoCampaign[] = [
	{id: '101', name: 'Nyereményjáték 2026/Q4', channels: ['voice', 'video']},
	{id: '102', name: 'Ügyfélszolgálat: Bejövő', channels: ['voice', 'chat', 'email', 'social']},
	{id: '103', name: 'Telesales <VIP> "Arany"', channels: ['voice', 'video']},
	{id: '104', name: 'Visszahívás * sürgős?', channels: ['voice']},
	{id: '105', name: 'Lakossági | Kintlévőség', channels: ['voice', 'email']},
	{id: '106', name: 'Energia\\Gáz átállás', channels: ['voice', 'chat']},
	{id: '107', name: 'Videós tanácsadás', channels: ['video', 'chat']},
	{id: '108', name: 'Közösségi média', channels: ['social', 'chat', 'email']},
];

/** Extra campaigns only with `hostile: true`: names a careless client would turn into path traversal or terminal escapes. */
export const hostileCampaigns: DemoCampaign[] = [
	{id: '901', name: '../../etc/passwd', channels: ['voice']},
	{id: '902', name: 'CON', channels: ['voice']},
	{id: '903', name: 'Piros\u001B[31m kampány\u001B[0m\u0007', channels: ['voice', 'chat']},
	{id: '904', name: `${'Hosszú név '.repeat(30)}vége. `, channels: ['voice']},
];

const lastNames = [
	'Kovács', 'Nagy', 'Tóth', 'Szabó', 'Horváth', 'Varga', 'Kiss', 'Molnár', 'Németh', 'Farkas', 'Balogh',
	'Papp', 'Takács', 'Juhász', 'Lakatos', 'Mészáros', 'Oláh', 'Simon', 'Rácz', 'Fekete', 'Szőke', 'Győri',
];
const firstNames = [
	'Éva', 'Ödön', 'Gergő', 'Árpád', 'Zsófia', 'Ünige', 'Bálint', 'Réka', 'Győző', 'Lőrinc', 'Tünde', 'Ildikó',
	'Kristóf', 'Emőke', 'Csilla', 'Dóra', 'Levente', 'Gábor', 'Ágota', 'Zoltán', 'Örs', 'Ákos', 'Hédi', 'Bence',
];
const groups = ['Budapest', 'Debrecen', 'Szeged', 'Győr'];
const teams = ['Alfa csapat', 'Béta csapat', 'Éjszakai műszak', 'Kiemelt ügyfelek'];

export const operators: DemoOperator[] = Array.from({length: 24}, (_, index) => ({
	id: String(3001 + index),
	lastName: lastNames[(index * 7) % lastNames.length]!,
	firstName: firstNames[(index * 5) % firstNames.length]!,
	group: groups[index % groups.length]!,
	team: teams[Math.floor(index / 2) % teams.length]!,
	acdId: `acd-${7100 + index}`,
}));

export const terminations: DemoTermination[] = [
	{id: '11', name: 'Sikeres megrendelés'},
	{id: '12', name: 'Nem érdekli'},
	{id: '13', name: 'Visszahívást kért'},
	{id: '14', name: 'Téves szám'},
	{id: '15', name: 'Hangposta', unanswered: true},
	{id: '16', name: 'Nem vette fel', unanswered: true},
	{id: '17', name: 'Panasz rögzítve'},
	{id: '18', name: 'Szerződés módosítás'},
	{id: '19', name: 'Információ kérés'},
];

export interface DemoUser {
	username: string;
	password: string;
	displayName: string;
	role: 'admin' | 'supervisor';
	/** Campaign IDs; undefined = all. */
	campaigns?: string[];
}

export const users: DemoUser[] = [
	{username: 'admin', password: 'demo', displayName: 'Adminisztrátor Ádám', role: 'admin'},
	{username: 'supervisor', password: 'demo', displayName: 'Felügyelő Zsuzsanna', role: 'supervisor', campaigns: ['101', '102', '105']},
];

export const customerFirstNames = ['Anna', 'Béla', 'Cecília', 'Dénes', 'Erzsébet', 'Ferenc', 'Gizella', 'Huba', 'Irén', 'János'];
export const customerLastNames = ['Bognár', 'Csonka', 'Dudás', 'Erdős', 'Fodor', 'Gál', 'Hegedűs', 'Illés', 'Jakab', 'Katona'];
