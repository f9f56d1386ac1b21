import { z } from 'zod';
import { Domain } from './domain.ts';

/**
 * Body of a message on `dlq.<domain>`: the original payload and why it was rejected.
 *
 * Kinds: `invalid_json`, `invalid_event` (schema), `future_timestamp` (ahead of the processor
 * clock by more than `processor.maxFutureMs`), `partition_mismatch` (the subject's partition is
 * not its key's), `processing_error` (the core threw on this message), `key_limit` (a new key
 * past `processor.limits`), `channel_limit` (a sensor station past 32 channels), and whatever a domain adds.
 */
export const DeadLetter = z.object({
  domain: Domain,
  /** Subject and stream sequence the message came from, so it can be found in the log. */
  subject: z.string(),
  streamSeq: z.number(),
  /** Machine-readable category (see above). */
  kind: z.string(),
  /** Human-readable reason, with the failing field paths. */
  reason: z.string(),
  /** The original payload as text (may be invalid UTF-8 replaced); cut when `truncated`. */
  payload: z.string(),
  rejectedAt: z.number(),
  /** Payload (then reason) cut to fit a bound: the NATS max_payload, a store row. */
  truncated: z.boolean().optional(),
  /** Size of the original message, bytes (set when `truncated`). */
  originalBytes: z.number().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
