/**
 * Ink's useInput, but every key of a chunk is handled in order, each by the handlers that are active when that key's
 * turn comes. Over SSH several keys arrive in one read (`2026-11-01⇥2026-11-07⇥`, `⇥⇥→→␠`), and Ink hands all of
 * them to the handlers that were active at the last render: the Tab moves the focus, but the keys after it still went
 * to the field the Tab left. So one router per Ink instance takes over Ink's input events: it splits each into keys,
 * passes one key on, and passes the next only after React has rendered what that key did and every screen that
 * render mounted listens (a key that changes screens is followed by keys the new screen reads).
 */
import type {EventEmitter} from 'node:events';
import {type Key, useInput, useStdin} from 'ink';
import {useEffect, useLayoutEffect, useRef} from 'react';

type Handler = (input: string, key: Key) => void;

export interface UseKeysOptions {
	/** Only an active handler gets keys. @default true */
	readonly isActive?: boolean;
	/**
	 * For text fields: true for a printable character this handler types as text. While such a handler is active,
	 * a run of characters it takes (a paste, fast typing) arrives as one input instead of one render per character.
	 */
	readonly takesText?: (character: string) => boolean;
}

interface Entry {
	isActive: boolean;
	/** Work under way that decides where the next keys go (a login, a listing): keys wait for it. */
	isHolding?: boolean;
	/** Ink listens for this handler (its subscription is a passive effect, which may come after the render). */
	isListening: boolean;
	takesText: ((character: string) => boolean) | undefined;
}

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
// eslint-disable-next-line no-control-regex
const controlCharacter = /^[\u0000-\u001F\u007F]$/;

/**
 * The keys of one Ink input event. Ink already gives escape sequences (arrows, Alt-x) and Backspace events of their
 * own; what it leaves together is text with control characters in it (Tab, Enter, Ctrl-letters), and text itself.
 */
export function splitKeys(input: string): string[] {
	if (input.startsWith('\u001B') || [...input].length < 2) {
		return [input];
	}

	return [...segmenter.segment(input)].map(part => part.segment);
}

/** Alt+key bindings on a printable key: a text field's word moves and word delete (readline's Alt-B, Alt-F, Alt-D). */
const altTextKeys = new Set(['b', 'f', 'd', 'B', 'F', 'D']);

/** The printable key after Esc when `piece` is Esc and one such key (what Ink reads as Alt+key), else undefined. */
function escapedCharacter(piece: string): string | undefined {
	if (!piece.startsWith('\u001B') || piece.length < 2) {
		return undefined;
	}

	const rest = piece.slice(1);
	// `[` and `O` begin the escape sequences of arrows and function keys; Ink passes those on whole.
	return [...segmenter.segment(rest)].length === 1 && isText(rest) && rest !== '[' && rest !== 'O' ? rest : undefined;
}

function isText(piece: string): boolean {
	return !piece.startsWith('\u001B') && !controlCharacter.test(piece);
}

/** Text the terminal marked as pasted (bracketed paste): it goes to a text field whole, `?` and Tab included. */
class Pasted {
	constructor(readonly text: string) {}
}

class KeyRouter {
	readonly entries = new Set<Entry>();
	/** Who was active when the key now being handled was passed on. */
	delivering: ReadonlySet<Entry> | undefined;
	private readonly queue: Array<string | Pasted> = [];
	private isWaiting = false;
	private isScheduled = false;
	private readonly emit: (input: string) => void;
	private readonly emitPaste: (text: string) => boolean;

	constructor(emitter: EventEmitter) {
		const original = emitter.emit.bind(emitter);
		this.emit = input => {
			original('input', input);
		};

		this.emitPaste = text => emitter.listenerCount('paste') > 0 && original('paste', text);

		// Ink emits each input event to every listener at once; holding the rest back is the point of the router.
		emitter.emit = (event: string | symbol, ...args: unknown[]): boolean => {
			if (event === 'input' && typeof args[0] === 'string') {
				if (args[0] === '\u0003') {
					// Ctrl-C never waits behind typed-ahead keys or a step under way: it is how to get out of one.
					this.discard();
					this.emit(args[0]);
					return true;
				}

				if (args[0] === '\u001A') {
					// Nor Ctrl-Z (suspend); the keys typed ahead stay for when the app is back.
					this.emit(args[0]);
					return true;
				}

				this.queue.push(...splitKeys(args[0]));
				this.pump();
				return true;
			}

			if (event === 'paste' && typeof args[0] === 'string') {
				// In its place among the keys typed before and after it.
				this.queue.push(new Pasted(args[0]));
				this.pump();
				return true;
			}

			return original(event, ...args);
		};
	}

	/** The keys typed ahead for a step that did not happen (the login was refused): they were meant for another screen. */
	discard(): void {
		this.queue.length = 0;
	}

	/** Called when a handler mounts, unmounts, or starts listening: the queue may move on. */
	changed(): void {
		if (this.queue.length > 0 && !this.isScheduled) {
			this.isScheduled = true;
			setImmediate(() => {
				this.isScheduled = false;
				this.pump();
			});
		}
	}

	private pump(): void {
		if (this.isWaiting || this.queue.length === 0) {
			return;
		}

		for (const entry of this.entries) {
			if (!entry.isListening || entry.isHolding) {
				// A screen mounted by the last key does not listen yet, or a step is under way whose outcome decides
				// which screen the keys are for; `changed` comes back when that is over.
				return;
			}
		}

		const active = new Set([...this.entries].filter(entry => entry.isActive));
		const next = this.queue.shift()!;
		if (next instanceof Pasted) {
			this.deliver(active, () => {
				// Nobody listens for pastes any more (the field lost the focus): the text comes as typed keys.
				if (!this.emitPaste(next.text)) {
					this.queue.unshift(...splitKeys(next.text));
				}
			});
			return;
		}

		let input = next;
		const typists = [...active].filter(entry => entry.takesText);
		const afterEscape = escapedCharacter(input);
		if (afterEscape !== undefined && !(typists.length > 0 && altTextKeys.has(afterEscape))) {
			// Esc and the next key in one read, as when Esc is pressed and a key follows quickly over SSH: Ink reads it as
			// Alt+key, and both were lost where Alt+key means nothing. Only a text field reads Alt+B, Alt+F and Alt+D (words).
			this.queue.unshift(afterEscape);
			input = '\u001B';
		}

		if (typists.length > 0 && isText(input) && typists.every(entry => entry.takesText!(input))) {
			for (let after = this.queue[0]; typeof after === 'string' && isText(after); after = this.queue[0]) {
				const character = after;
				if (!typists.every(entry => entry.takesText!(character))) {
					break;
				}

				input += character;
				this.queue.shift();
			}
		}

		const typed = input;
		this.deliver(active, () => {
			this.emit(typed);
		});
	}

	/** Hands one key (or paste) on, and the next only once React has rendered what it did. */
	private deliver(active: ReadonlySet<Entry>, send: () => void): void {
		this.isWaiting = true;
		this.delivering = active;
		try {
			send();
		} finally {
			this.delivering = undefined;
			// Renders of keyboard updates happen at once or in a microtask, so by the next turn of the event loop
			// the key's render is done (passive effects may still be due; `pump` checks).
			setImmediate(() => {
				this.isWaiting = false;
				this.pump();
			});
		}
	}
}

const routers = new WeakMap<EventEmitter, KeyRouter>();

function routerFor(emitter: EventEmitter): KeyRouter {
	let router = routers.get(emitter);
	if (!router) {
		router = new KeyRouter(emitter);
		routers.set(emitter, router);
	}

	return router;
}

/**
 * Keys typed while `isHolding` (a login, a listing, a plan under way) wait, and go to the screen that comes next.
 * When the work ends and this screen stays (it failed), they are dropped: they were typed for the next screen.
 */
export function useHoldKeys(isHolding: boolean): void {
	const stdin = useStdin() as ReturnType<typeof useStdin> & {internal_eventEmitter: EventEmitter};
	const router = routerFor(stdin.internal_eventEmitter);
	const entry = useRef<Entry | undefined>(undefined);
	entry.current ??= {isActive: false, isListening: true, isHolding, takesText: undefined};
	useLayoutEffect(() => {
		const current = entry.current!;
		router.entries.add(current);
		return () => {
			router.entries.delete(current);
			router.changed();
		};
	}, [router]);
	useLayoutEffect(() => {
		const current = entry.current!;
		if (current.isHolding && !isHolding) {
			router.discard();
		}

		current.isHolding = isHolding;
		router.changed();
	}, [router, isHolding]);
}

export function useKeys(handler: Handler, options: UseKeysOptions = {}): void {
	const {isActive = true, takesText} = options;
	const stdin = useStdin() as ReturnType<typeof useStdin> & {internal_eventEmitter: EventEmitter};
	const router = routerFor(stdin.internal_eventEmitter);
	const entry = useRef<Entry | undefined>(undefined);
	entry.current ??= {isActive, isListening: false, takesText};

	useLayoutEffect(() => {
		const current = entry.current!;
		router.entries.add(current);
		router.changed();
		return () => {
			router.entries.delete(current);
			router.changed();
		};
	}, [router]);

	// After each render, so the router knows who is active before the next key goes out.
	useLayoutEffect(() => {
		entry.current!.isActive = isActive;
		entry.current!.takesText = takesText;
	});

	// Ink listens whenever this is mounted; whether the key is for this handler is the router's call.
	useInput((input, key) => {
		const {delivering} = router;
		if (delivering ? delivering.has(entry.current!) : entry.current!.isActive) {
			handler(input, key);
		}
	});

	// Declared after useInput, so it runs after Ink's subscription.
	useEffect(() => {
		const current = entry.current!;
		current.isListening = true;
		router.changed();
		return () => {
			current.isListening = false;
		};
	}, [router]);
}
