import type { LiveStats } from '../../../contracts/index.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { LiveFeed } from '../ports/sinks.ts';

async function counterTotal(c: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, domain?: string) {
  const { values } = await c.get();
  return values.filter((v) => !domain || v.labels.domain === domain).reduce((s, v) => s + v.value, 0);
}

/** Push events/s and totals to the screens once per `intervalMs`. Returns a stop function. */
export function startLiveStatsTicker(metrics: ProcessorMetrics, live: LiveFeed, domains: readonly string[], intervalMs = 1000): () => void {
  const last = new Map<string, number>();
  let lastAt = performance.now();
  const timer = setInterval(async function tick() {
    const now = performance.now();
    const seconds = (now - lastAt) / 1000;
    lastAt = now;
    const eventsPerSecond: Record<string, number> = {};
    for (const d of domains) {
      const total = await counterTotal(metrics.events, d);
      eventsPerSecond[d] = Math.max(0, (total - (last.get(d) ?? total)) / seconds);
      last.set(d, total);
    }
    const stats: LiveStats = {
      at: Date.now(),
      eventsPerSecond,
      totals: {
        events: await counterTotal(metrics.events),
        anomalies: await counterTotal(metrics.anomalies),
        deadLetters: await counterTotal(metrics.deadLetters),
      },
    };
    live.stats(stats);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
