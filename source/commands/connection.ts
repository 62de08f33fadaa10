/**
 * Who to talk to and as whom, from flags and environment: --server or --company, --user, and a password from
 * CCDL_PASSWORD, --password-stdin or a prompt — never from a flag value, so it stays out of `ps` and shell history.
 */
import {UsageError} from '../lib/errors.js';
import {phrased} from '../lib/i18n/index.js';
import {companyUrl, defaultCompanyUrl} from '../lib/sources/company-url.js';
import type {RunRequest} from '../lib/run/request.js';
import {login} from '../lib/run/pipeline.js';
import type {Source} from '../lib/sources/model.js';
import {audioFormats, type AudioFormat} from '../lib/sources/model.js';
import {defaultPlatform, platformInfo, platformKeys} from '../lib/sources/registry.js';

export const connectionOptionSpecs = {
	platform: {type: 'string'},
	server: {type: 'string'},
	'audio-format': {type: 'string'},
	company: {type: 'string'},
	user: {type: 'string', short: 'u'},
	'password-stdin': {type: 'boolean'},
} as const;

export const connectionHelp = `Connection:
  --platform P        ${platformKeys().join(', ')} (default ${defaultPlatform}: ccdl's Contact Center Media API);
                      env CCDL_PLATFORM; twilio and webex-cc use their public API unless --server is given
  --audio-format F    mp3 (default) or wav, where the platform offers both (Twilio)
                      twilio: --user AC… with the Auth Token as the password, or --user SK… --company AC…
                      with the API key's secret; webex-cc: --user ORGID with an access token as the password
  --server URL        API base URL (e.g. https://demo.comnica.cc); env CCDL_SERVER
  --company NAME      company name; the URL comes from CCDL_COMPANY_URL (default ${defaultCompanyUrl})
  -u, --user NAME     user name (case-sensitive); env CCDL_USER
  --password-stdin    read the password from standard input (first line)
                      otherwise: env CCDL_PASSWORD, or a prompt on a terminal
`;

export interface ConnectionValues {
	platform: string | undefined;
	server: string | undefined;
	'audio-format'?: string | undefined;
	company: string | undefined;
	user: string | undefined;
	'password-stdin': boolean;
}

async function readStdinPassword(): Promise<string> {
	if (process.stdin.isTTY) {
		throw new UsageError(...phrased('cli.error.password-stdin-tty'));
	}

	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
		chunks.push(chunk);
	}

	return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Asks for the password on the terminal without echoing it. */
export async function promptPassword(prompt: string): Promise<string> {
	const {stdin, stderr} = process;
	stderr.write(prompt);
	stdin.setRawMode(true);
	stdin.resume();
	stdin.setEncoding('utf8');
	return new Promise<string>((resolve, reject) => {
		let password = '';
		const done = (error?: Error) => {
			stdin.setRawMode(false);
			stdin.pause();
			stdin.off('data', onData);
			stderr.write('\n');
			if (error) {
				reject(error);
			} else {
				resolve(password);
			}
		};

		const onData = (text: string) => {
			for (const character of text) {
				if (character === '\r' || character === '\n') {
					done();
					return;
				}

				if (character === '\u0003') {
					done(new UsageError(...phrased('cli.error.prompt-cancelled')));
					return;
				}

				if (character === '\u007F' || character === '\b') {
					password = [...password].slice(0, -1).join('');
				} else if (character >= ' ') {
					password += character;
				}
			}
		};

		stdin.on('data', onData);
	});
}

/** Who to log in as, where: checked without any network, so a mistake costs no password prompt. */
export function connectionTarget(values: ConnectionValues): Pick<RunRequest, 'platform' | 'server' | 'company' | 'username' | 'audioFormat'> {
	const platform = values.platform ?? process.env['CCDL_PLATFORM'] ?? defaultPlatform;
	const info = platformInfo(platform);
	const audioFormat = values['audio-format'];
	if (audioFormat !== undefined && !(audioFormats as readonly string[]).includes(audioFormat)) {
		const allowed = {key: 'cli.part.allowed.or', params: {first: audioFormats.slice(0, -1).join(' or '), last: audioFormats.at(-1)!}};
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--audio-format', allowed, value: audioFormat}));
	}

	const company = values.company ?? process.env['CCDL_COMPANY'];
	const serverFlag = values.server ?? process.env['CCDL_SERVER'];
	if (!serverFlag && !company && !info.defaultServer) {
		throw new UsageError(...phrased('cli.error.no-server'));
	}

	// A vendor platform's company is an account or organisation, not a host name: its API lives at one address.
	const server = serverFlag ?? (info.defaultServer ?? companyUrl(company!));
	const username = values.user ?? process.env['CCDL_USER'];
	if (!username) {
		throw new UsageError(...phrased('cli.error.no-user'));
	}

	return {platform, server, ...(company ? {company} : {}), username, ...(audioFormat ? {audioFormat: audioFormat as AudioFormat} : {})};
}

/** The password: --password-stdin, CCDL_PASSWORD, or a prompt on a terminal — never a flag value. */
export async function readSecret(values: Pick<ConnectionValues, 'password-stdin'>, username: string, platform?: string): Promise<string> {
	let password: string;
	const webexRefresh = ['CCDL_WEBEX_REFRESH_TOKEN', 'CCDL_WEBEX_CLIENT_ID', 'CCDL_WEBEX_CLIENT_SECRET'].every(name => process.env[name]);
	if (platform === 'webex-cc' && webexRefresh && !values['password-stdin'] && process.env['CCDL_PASSWORD'] === undefined) {
		// The source obtains its first access token itself from the refresh token.
		return '';
	}

	if (values['password-stdin']) {
		password = await readStdinPassword();
	} else if (process.env['CCDL_PASSWORD'] !== undefined) {
		password = process.env['CCDL_PASSWORD'];
	} else if (process.stdin.isTTY && process.stderr.isTTY) {
		password = await promptPassword(`Password for ${username}: `);
	} else {
		throw new UsageError(...phrased('cli.error.no-password'));
	}

	if (password === '') {
		throw new UsageError(...phrased('cli.error.empty-password'));
	}

	return password;
}

export async function connect(values: ConnectionValues, signal?: AbortSignal): Promise<Source> {
	const target = connectionTarget(values);
	return login(target, await readSecret(values, target.username, target.platform), signal);
}
