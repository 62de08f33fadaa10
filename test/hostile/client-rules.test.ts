/** The pure rules under the API client: where credentials may be redirected, and which JSON is refused unparsed. */
import {describe, expect, it} from 'vitest';
import {isAllowedRedirect} from '../../source/lib/api/client.js';
import {jsonShapeProblem, parseJsonBytes} from '../../source/lib/api/body.js';

describe('isAllowedRedirect', () => {
	const allowed: Array<[string, string]> = [
		['http://cc.example', 'http://cc.example/v1/x'],
		['https://cc.example', 'https://cc.example:443/v1/x'],
		['http://cc.example', 'https://cc.example/v1/x'],
		['http://cc.example:8080', 'https://cc.example:8080/v1/x'],
		['http://cc.example:8080', 'https://cc.example/v1/x'],
	];
	const refused: Array<[string, string]> = [
		['http://cc.example', 'http://evil.example/v1/x'],
		['https://cc.example', 'http://cc.example/v1/x'],
		['https://cc.example', 'https://cc.example:8443/v1/x'],
		['http://cc.example', 'http://cc.example:8080/v1/x'],
		['http://cc.example:8080', 'https://cc.example:9443/v1/x'],
		['http://cc.example', 'https://sub.cc.example/v1/x'],
		['http://cc.example', 'ftp://cc.example/x'],
		['http://127.0.0.1:4000', 'http://127.0.0.1:4001/v1/x'],
		['http://127.0.0.1:4000', 'http://localhost:4000/v1/x'],
	];

	it.each(allowed)('%s → %s is followed (same origin, or its https upgrade)', (base, target) => {
		expect(isAllowedRedirect(new URL(base), new URL(target))).toBe(true);
	});

	it.each(refused)('%s → %s is refused', (base, target) => {
		expect(isAllowedRedirect(new URL(base), new URL(target))).toBe(false);
	});
});

describe('jsonShapeProblem', () => {
	const limits = {maxDepth: 64, maxContainers: 1000};

	it('passes ordinary documents and counts nothing inside strings', () => {
		expect(jsonShapeProblem(Buffer.from('{"items":[{"a":[1,2]},{"b":"[[[[{{{{\\"]]]"}]}'), limits)).toBeUndefined();
		expect(parseJsonBytes(Buffer.from('{"a":"\\"[","b":[1]}'), limits)).toEqual({a: '"[', b: [1]});
	});

	it('refuses nesting beyond the depth and more containers than allowed', () => {
		expect(jsonShapeProblem(Buffer.from(`${'['.repeat(65)}${']'.repeat(65)}`), limits)?.code).toBe('too-deep');
		expect(jsonShapeProblem(Buffer.from(`${'['.repeat(64)}${']'.repeat(64)}`), limits)).toBeUndefined();
		expect(jsonShapeProblem(Buffer.from(`[${'{},'.repeat(1000)}{}]`), limits)?.code).toBe('too-many-values');
	});
});
