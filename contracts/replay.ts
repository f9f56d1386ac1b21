import { z } from 'zod';
import { Domain } from './domain.ts';

/** Ask a processor to re-process a range of the log into a separate run (`ops.replay.start`). */
export const ReplayRequest = z.object({
  domain: Domain,
  /** Event-time range, epoch ms, both ends inclusive. */
  from: z.number().int(),
  to: z.number().int(),
  /** Event-time speed-up (2 = twice real time); null = as fast as possible. */
  speed: z.number().positive().nullable(),
  /** Run id written into every row; never `live`. */
  runId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).refine((r) => r !== 'live', 'a replay cannot write into the live run'),
  /** Model-chain version to score with (folder models/<chain>/<version>); null = the processor's default. */
  model: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/).nullable(),
});
export type ReplayRequest = z.infer<typeof ReplayRequest>;

/** Published on `ops.replay.<runId>` about twice a second, and once at the end. */
export const ReplayProgress = z.object({
  runId: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  /** Log messages read so far and in all (the replay reads from the log's start to warm up). */
  scanned: z.number(),
  total: z.number(),
  /** Rows written into the run (events in the range). */
  written: z.number(),
  anomalies: z.number(),
  perSecond: z.number(),
  etaSeconds: z.number().nullable(),
  error: z.string().optional(),
});
export type ReplayProgress = z.infer<typeof ReplayProgress>;

export const replaySubjects = {
  start: 'ops.replay.start',
  progress: (runId: string) => `ops.replay.${runId}`,
} as const;
