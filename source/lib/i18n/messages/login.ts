import type {MessageSet} from '../index.js';

/** The login screen. */
export const login: MessageSet = {
	en: {
		'login.intro': 'Log in with your contact-center account (the password is case-sensitive).',
		'login.company': 'Company',
		'login.username': 'User name',
		'login.password': 'Password',
		'login.server': 'Server URL',
		'login.server.placeholder': 'optional; empty = from the company name',
		'login.error.company': 'Enter the company name (or a server URL below).',
		'login.error.username': 'Enter your user name.',
		'login.error.password': 'Enter your password.',
		'login.error.server': 'Enter a full address such as https://demo.comnica.cc, or leave it empty.',
		'login.keys': 'Tab / ↑ ↓ field · Enter log in · in the password ? is typed, not help',
		'help.login': [
			'Tab or ↓ next field · Shift-Tab or ↑ previous field',
			'Enter: log in when company (or server URL), user name and password are filled in; otherwise go to the next field',
			'Server URL: leave empty to use the address made from the company name',
			'? this help; in the password field ? is part of the password, so press Tab first',
		].join('\n'),
	},
	hu: {
		'login.intro': 'Jelentkezzen be a kontaktcenter-fiókjával (a jelszó kis- és nagybetűérzékeny).',
		'login.company': 'Cégnév',
		'login.username': 'Felhasználónév',
		'login.password': 'Jelszó',
		'login.server': 'Szerver címe',
		'login.server.placeholder': 'nem kötelező; üresen a cégnévből képzett cím',
		'login.error.company': 'Adja meg a cégnevet (vagy lent a szerver címét).',
		'login.error.username': 'Adja meg a felhasználónevét.',
		'login.error.password': 'Adja meg a jelszavát.',
		'login.error.server': 'Teljes címet adjon meg, pl. https://demo.comnica.cc, vagy hagyja üresen.',
		'login.keys': 'Tab / ↑ ↓ mező · Enter belépés · a jelszóba a ? beíródik, nem súgó',
		'help.login': [
			'Tab vagy ↓ következő mező · Shift-Tab vagy ↑ előző mező',
			'Enter: belépés, ha a cégnév (vagy a szerver címe), a felhasználónév és a jelszó ki van töltve; különben a következő mező',
			'Szerver címe: üresen hagyva a cégnévből képzett címet használja',
			'? ez a súgó; a jelszó mezőben a ? a jelszó része, ezért előbb nyomjon Tabot',
		].join('\n'),
	},
};
