/**
 * What JetStream answered one publish with, read without a JSON parse per ack: at 100 000+
 * acks a second, decoding and parsing each `{"stream":"X","seq":N}` costs a tenth of a core.
 * nats-server writes its PubAck response with the error first when there is one (`{"error":…}`)
 * and `{"stream":…` otherwise, so the first bytes tell an ack from a refusal; anything else is
 * parsed in full.
 */
export type PubAckVerdict =
  /** Stored (or a duplicate of a stored message: same msg id within the window). */
  | { kind: 'stored' }
  /** Not stored, and sending the same message again may work: JetStream starting, no stream yet. */
  | { kind: 'retry'; reason: string }
  /** Not stored, and sending it again would be refused the same way (the stream is full, the message too big). */
  | { kind: 'refused'; reason: string };

interface ApiErrorBody {
  error?: { code?: number; err_code?: number; description?: string };
  seq?: number;
}

/** JetStream's "storing the message failed" (max msgs, max bytes, max msg size with discard new): a property of the stream, not a passing state. */
const STREAM_STORE_FAILED = 10077;

/** One object for every stored ack: at 100 000 acks a second an allocation each is garbage for nothing. */
const STORED: PubAckVerdict = Object.freeze({ kind: 'stored' });
const STORED_PREFIX = new TextEncoder().encode('{"stream"');
const decoder = new TextDecoder();

/**
 * `data` is the reply body; `status` the status code of an empty status reply (503: no
 * responders, i.e. no stream takes the subject, or JetStream is not up yet).
 */
export function readPubAckReply(data: Uint8Array, status?: number): PubAckVerdict {
  if (startsWith(data, STORED_PREFIX)) return STORED;
  if (data.length === 0) {
    return { kind: 'retry', reason: status === 503 ? 'no responders: no stream takes this subject, or JetStream is not ready' : `empty reply${status ? ` (status ${status})` : ''}` };
  }
  const body = decoder.decode(data);
  let reply: ApiErrorBody;
  try {
    reply = JSON.parse(body) as ApiErrorBody;
  } catch {
    return { kind: 'retry', reason: `unreadable reply: ${body.slice(0, 200)}` };
  }
  if (!reply.error) return typeof reply.seq === 'number' ? STORED : { kind: 'retry', reason: `reply without a sequence: ${body.slice(0, 200)}` };
  const { code, err_code: errCode, description } = reply.error;
  const reason = `${description ?? 'error'} (code ${code ?? '?'}${errCode ? `, err_code ${errCode}` : ''})`;
  // 503 is also what a store failure comes with; only the err_code tells them apart.
  return code === 503 && errCode !== STREAM_STORE_FAILED ? { kind: 'retry', reason } : { kind: 'refused', reason };
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}
