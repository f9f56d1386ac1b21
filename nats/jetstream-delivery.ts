/** Where a JetStream message sits, read from its ack reply subject. */
export interface JetStreamDelivery {
  /** Times delivered (1 = first delivery). */
  deliveryCount: number;
  /** Position in the stream. */
  streamSequence: number;
  /** Position among the consumer's deliveries. */
  deliverySequence: number;
  /** Messages the consumer still had to deliver after this one, when it was sent: how far behind the reader is. */
  pending: number;
}

/** A reply subject that is not a JetStream ack subject. */
export class NotAJetStreamReplyError extends Error {
  override readonly name = 'NotAJetStreamReplyError';
  constructor(reply: string) {
    super(`not a JetStream ack subject: '${reply.slice(0, 200)}' (expected $JS.ACK.… from a JetStream consumer)`);
  }
}

const DOT = 46;
const ZERO = 48;
// Token positions of the current subject: reused, this runs once per consumed message.
const starts = new Int32Array(16);

/**
 * The delivery count and sequences of a JetStream message, from its reply subject:
 * `$JS.ACK.<stream>.<consumer>.<count>.<sseq>.<dseq>.<ts>.<pending>` (9 tokens) or, from
 * nats-server 2.9 on, `$JS.ACK.<domain>.<hash>.<stream>.<consumer>.<count>.<sseq>.<dseq>.…`
 * (11 or 12 tokens). nats.js's `JsMsg.info` splits the subject into strings and parses all
 * nine fields; the processor consumes every message through this and needs four numbers,
 * so it scans the characters once and allocates only the answer (four numbers) (the consume path was 16 % of
 * the processor's busy JS thread, docs/perf/before.md).
 */
export function jetStreamDelivery(reply: string): JetStreamDelivery {
  let tokens = 1;
  starts[0] = 0;
  for (let i = 0; i < reply.length && tokens < starts.length; i++) {
    if (reply.charCodeAt(i) === DOT) starts[tokens++] = i + 1;
  }
  if (!reply.startsWith('$JS.ACK.') || (tokens !== 9 && tokens !== 11 && tokens !== 12)) throw new NotAJetStreamReplyError(reply);
  const first = tokens === 9 ? 4 : 6;
  const deliveryCount = numberAt(reply, first, tokens);
  const streamSequence = numberAt(reply, first + 1, tokens);
  const deliverySequence = numberAt(reply, first + 2, tokens);
  const pending = numberAt(reply, first + 4, tokens);
  if (Number.isNaN(deliveryCount + streamSequence + deliverySequence + pending)) throw new NotAJetStreamReplyError(reply);
  return { deliveryCount, streamSequence, deliverySequence, pending };
}

/** The decimal number in token `t`; NaN when it holds anything but digits. */
function numberAt(s: string, t: number, tokens: number): number {
  const from = starts[t]!;
  const to = t + 1 < tokens ? starts[t + 1]! - 1 : s.length;
  if (to <= from) return NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}
