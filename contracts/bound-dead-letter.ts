import type { DeadLetter } from './dead-letter.ts';

/** A reason is cut to this many characters when even an empty payload does not fit. */
export const MAX_DEAD_LETTER_REASON_CHARS = 2048;
/** Subjects are short in practice; bounded anyway so the rest always fits. */
const MAX_SUBJECT_CHARS = 512;

const encoder = new TextEncoder();
/** UTF-8 bytes of the JSON text of `s` (quotes included). */
const jsonBytes = (s: unknown): number => encoder.encode(JSON.stringify(s)).length;

export class DeadLetterBoundError extends RangeError {
  override name = 'DeadLetterBoundError';
}

/**
 * `d` as JSON in at most `maxBytes` (UTF-8): unchanged when it fits; otherwise the payload is
 * cut first (the reason is what an operator needs), then the reason and subject to a sane
 * length, and the letter says `truncated` with the original size. Never splits a surrogate
 * pair. Throws DeadLetterBoundError when `maxBytes` cannot hold even the cut letter.
 */
export function boundDeadLetter(d: DeadLetter, maxBytes: number, originalBytes?: number): DeadLetter {
  if (jsonBytes(d) <= maxBytes) return d;
  const cut: DeadLetter = {
    ...d,
    subject: d.subject.slice(0, MAX_SUBJECT_CHARS),
    payload: '',
    truncated: true,
    originalBytes: originalBytes ?? d.originalBytes ?? encoder.encode(d.payload).length,
  };
  let room = maxBytes - jsonBytes(cut);
  if (room < 0) {
    cut.reason = prefix(d.reason, MAX_DEAD_LETTER_REASON_CHARS);
    room = maxBytes - jsonBytes(cut);
    if (room < 0) throw new DeadLetterBoundError(`a dead letter needs more than ${maxBytes} bytes even without its payload`);
  }
  cut.payload = longestPrefixWithin(d.payload, room);
  return cut;
}

/** The longest prefix of `s` whose JSON string body takes at most `bytes` UTF-8 bytes. */
function longestPrefixWithin(s: string, bytes: number): string {
  // Each character takes ≥ 1 byte, so `bytes` characters is an upper bound; shrink in
  // proportion to the overshoot (escapes and multi-byte characters) until it fits.
  let n = Math.min(s.length, bytes);
  for (;;) {
    const p = prefix(s, n);
    const size = jsonBytes(p) - 2;
    if (size <= bytes) return p;
    n = Math.min(p.length - 1, Math.floor((p.length * bytes) / size));
  }
}

/** The first `n` UTF-16 units of `s`, one fewer when that would split a surrogate pair. */
function prefix(s: string, n: number): string {
  if (n >= s.length) return s;
  if (n <= 0) return '';
  const last = s.charCodeAt(n - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}
