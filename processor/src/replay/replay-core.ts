import type { LogBatch } from '../adapters/nats/log-range-reader.ts';

/** What one log batch of a replay wrote. */
export interface ReplayBatchOutcome {
  /** Events of the range written (rows of the domain's events table). */
  written: number;
  anomalies: number;
  /** Event time of the first and last event written, epoch ms (pacing by --speed). */
  firstTs?: number | undefined;
  lastTs?: number | undefined;
}

/**
 * One domain's replay: a fresh core (empty state) that scores every message of the log, so
 * its state is what the live run learnt, and writes only the rows of the requested range into
 * the replay's run. Built by `createReplayCore` (replay-cores.ts).
 */
export interface ReplayCore {
  process(events: LogBatch['events'], now: number): Promise<ReplayBatchOutcome>;
  /** Write what only the end of the log yields (windows still open); once, after the last batch. */
  finish(now: number): Promise<void>;
  /** Release the models it loaded. */
  release(): Promise<void>;
}
