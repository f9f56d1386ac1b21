import { boundDeadLetter, type DeadLetter, type Domain } from '../../../contracts/index.ts';
import type { DeadLetterRow } from '../../../store/src/rows.ts';

/**
 * A dead letter (its JSON) never exceeds this, bytes: it is stored as a row and published on
 * NATS, and the offending message may be as large as the broker allows (1 MiB by default).
 * The publisher cuts it further to the connection's max_payload.
 */
export const DEAD_LETTER_MAX_BYTES = 64 * 1024;

const decoder = new TextDecoder();

/** What a core knows of a message it rejects. */
export interface RejectedMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
}

/** The dead letter of `m`, bounded to DEAD_LETTER_MAX_BYTES (payload cut first, reason kept). */
export function deadLetterOf(domain: Domain, m: RejectedMessage, kind: string, reason: string, nowMs: number): DeadLetter {
  // Decode at most what can be kept: a 1 MiB message costs no 1 MiB string.
  const text = decoder.decode(m.data.byteLength > DEAD_LETTER_MAX_BYTES ? m.data.subarray(0, DEAD_LETTER_MAX_BYTES) : m.data);
  const d: DeadLetter = { domain, subject: m.subject, streamSeq: m.seq, kind, reason, payload: text, rejectedAt: nowMs };
  if (m.data.byteLength > DEAD_LETTER_MAX_BYTES) {
    d.truncated = true;
    d.originalBytes = m.data.byteLength;
  }
  return boundDeadLetter(d, DEAD_LETTER_MAX_BYTES, m.data.byteLength);
}

/** The ClickHouse row of a dead letter (already bounded by deadLetterOf). */
export function toDeadLetterRow(runId: string, d: DeadLetter): DeadLetterRow {
  return { run_id: runId, domain: d.domain, subject: d.subject, stream_seq: d.streamSeq, kind: d.kind, reason: d.reason, payload: d.payload, rejected_at: d.rejectedAt };
}

/** The reason of a `processing_error` dead letter: what threw, without its stack. */
export function processingErrorReason(step: string, err: unknown): string {
  const e = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `${step} failed: ${e}`;
}
