/**
 * A small, strict XML reader for the transcript tests: it walks the text character by character and throws on
 * anything that is not well-formed (unbalanced or mismatched tags, bad attributes, stray `<` or `&`, text outside
 * the root). Enough for the transcripts; no DTDs.
 */

export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** The element's own text (CDATA included), entities decoded. */
	text: string;
}

const named: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: '\''};

function isNameStart(char: string | undefined): boolean {
	return char !== undefined && (/[A-Za-z_:]/.test(char) || char.charCodeAt(0) > 0x7F);
}

function isNameChar(char: string | undefined): boolean {
	return char !== undefined && (isNameStart(char) || /[\d.-]/.test(char));
}

export function parseXml(source: string): XmlElement {
	let at = source.startsWith('\uFEFF') ? 1 : 0;
	const fail = (message: string): never => {
		const line = source.slice(0, at).split('\n').length;
		throw new SyntaxError(`XML: ${message} (line ${line}, offset ${at})`);
	};

	const skipSpace = () => {
		while (at < source.length && ' \t\r\n'.includes(source[at]!)) {
			at++;
		}
	};

	const expect = (text: string) => {
		if (!source.startsWith(text, at)) {
			fail(`expected ${JSON.stringify(text)}`);
		}

		at += text.length;
	};

	const name = (): string => {
		const start = at;
		if (!isNameStart(source[at])) {
			fail('expected a name');
		}

		while (isNameChar(source[at])) {
			at++;
		}

		return source.slice(start, at);
	};

	const decode = (raw: string): string => {
		let out = '';
		for (let index = 0; index < raw.length; index++) {
			const char = raw[index]!;
			if (char === '<') {
				fail('"<" inside text or an attribute value');
			}

			if (char !== '&') {
				out += char;
				continue;
			}

			const end = raw.indexOf(';', index);
			if (end < 0) {
				fail('"&" that starts no entity');
			}

			const entity = raw.slice(index + 1, end);
			if (entity.startsWith('#x') && entity.length > 2 && [...entity.slice(2)].every(digit => '0123456789abcdefABCDEF'.includes(digit))) {
				out += String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
			} else if (entity.startsWith('#') && entity.length > 1 && [...entity.slice(1)].every(digit => '0123456789'.includes(digit))) {
				out += String.fromCodePoint(Number(entity.slice(1)));
			} else if (entity in named) {
				out += named[entity];
			} else {
				fail(`unknown entity &${entity};`);
			}

			index = end;
		}

		return out;
	};

	const misc = () => {
		for (;;) {
			skipSpace();
			if (source.startsWith('<!--', at)) {
				const end = source.indexOf('-->', at + 4);
				if (end < 0) {
					fail('unterminated comment');
				}

				at = end + 3;
			} else if (source.startsWith('<?', at)) {
				const end = source.indexOf('?>', at + 2);
				if (end < 0) {
					fail('unterminated processing instruction');
				}

				at = end + 2;
			} else {
				return;
			}
		}
	};

	const element = (): XmlElement => {
		expect('<');
		const node: XmlElement = {name: name(), attributes: {}, children: [], text: ''};
		for (;;) {
			const before = at;
			skipSpace();
			if (source.startsWith('/>', at)) {
				at += 2;
				return node;
			}

			if (source[at] === '>') {
				at++;
				break;
			}

			if (at === before) {
				fail('expected whitespace before an attribute');
			}

			const attribute = name();
			skipSpace();
			expect('=');
			skipSpace();
			const quote = source[at];
			if (quote !== '"' && quote !== '\'') {
				fail('attribute value without quotes');
			}

			const end = source.indexOf(quote!, at + 1);
			if (end < 0) {
				fail('unterminated attribute value');
			}

			if (attribute in node.attributes) {
				fail(`duplicate attribute ${attribute}`);
			}

			node.attributes[attribute] = decode(source.slice(at + 1, end));
			at = end + 1;
		}

		for (;;) {
			if (at >= source.length) {
				fail(`<${node.name}> is never closed`);
			}

			if (source.startsWith('</', at)) {
				at += 2;
				const closing = name();
				if (closing !== node.name) {
					fail(`</${closing}> closes <${node.name}>`);
				}

				skipSpace();
				expect('>');
				return node;
			}

			if (source.startsWith('<!--', at) || source.startsWith('<?', at)) {
				misc();
				continue;
			}

			if (source.startsWith('<![CDATA[', at)) {
				const end = source.indexOf(']]>', at);
				if (end < 0) {
					fail('unterminated CDATA');
				}

				node.text += source.slice(at + 9, end);
				at = end + 3;
				continue;
			}

			if (source[at] === '<') {
				node.children.push(element());
				continue;
			}

			let end = source.indexOf('<', at);
			end = end < 0 ? source.length : end;
			const raw = source.slice(at, end);
			if (raw.includes(']]>')) {
				fail('"]]>" in text');
			}

			node.text += decode(raw);
			at = end;
		}
	};

	if (source.startsWith('<?xml', at)) {
		const end = source.indexOf('?>', at);
		if (end < 0) {
			fail('unterminated XML declaration');
		}

		at = end + 2;
	}

	misc();
	const root = element();
	misc();
	if (at !== source.length) {
		fail('content after the root element');
	}

	return root;
}
