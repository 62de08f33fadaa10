/**
 * JSON for a machine stream. JSON.stringify escapes C0 controls but passes C1 controls, line and paragraph
 * separators and bidi controls raw; server text carrying them must not reach a terminal that tails the stream.
 */
export function safeJson(value: unknown, space?: number): string {
	return JSON.stringify(value, null, space).replace(/[\u0080-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
