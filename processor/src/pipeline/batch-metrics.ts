import type { ProcessorMetrics } from '../metrics.ts';

const KEY_LIMIT = 'key_limit';

/** What one committed micro-batch did, in the processor's metrics (any domain). */
export function recordBatchMetrics(
  metrics: ProcessorMetrics,
  domain: string,
  b: {
    events: number;
    deadLetters: readonly { kind: string }[];
    anomalies: readonly { severity: string }[];
    redelivered: number;
    late: number;
    /** Messages kept though their new keys were refused (trips without cell windows). */
    keyLimited?: number;
    lastTs: number | undefined;
    batchSize: number;
    started: number;
  },
): void {
  metrics.events.inc({ domain }, b.events);
  if (b.keyLimited) metrics.keyLimited.inc({ domain }, b.keyLimited);
  for (const d of b.deadLetters) {
    metrics.deadLetters.inc({ domain, kind: d.kind });
    if (d.kind === KEY_LIMIT) metrics.keyLimited.inc({ domain });
  }
  for (const a of b.anomalies) metrics.anomalies.inc({ domain, severity: a.severity });
  if (b.redelivered) metrics.redelivered.inc({ domain }, b.redelivered);
  if (b.late) metrics.late.inc({ domain }, b.late);
  if (b.lastTs !== undefined) metrics.lastEventTime.set({ domain }, b.lastTs / 1000);
  metrics.batchSize.observe(b.batchSize);
  const now = Date.now();
  metrics.lastCommitMs.set(domain, now);
  metrics.lastCommitTime.set({ domain }, now / 1000);
  metrics.batchSeconds.observe((performance.now() - b.started) / 1000);
}
