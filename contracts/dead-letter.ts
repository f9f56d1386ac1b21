import { z } from 'zod';
import { Domain } from './domain.ts';

/** Body of a message on `dlq.<domain>`: the original payload and why it was rejected. */
export const DeadLetter = z.object({
  domain: Domain,
  /** Subject and stream sequence the message came from, so it can be found in the log. */
  subject: z.string(),
  streamSeq: z.number(),
  /** Machine-readable category: `invalid_json`, `invalid_event`, `processing_error`, `key_limit` (a new key past processor.limits)… */
  kind: z.string(),
  /** Human-readable reason, with the failing field paths. */
  reason: z.string(),
  /** The original payload as text (may be invalid UTF-8 replaced). */
  payload: z.string(),
  rejectedAt: z.number(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
