import type { LiveStats } from '../../../contracts/index.ts';
import type { MetricsJson, ProcessorMetrics } from '../metrics.ts';
import type { LiveFeed } from '../ports/sinks.ts';

function counterTotal(all: MetricsJson, name: string, domain?: string): number {
  const values = all.find((m) => m.name === name)?.values ?? [];
  return values.filter((v) => !domain || v.labels.domain === domain).reduce((s, v) => s + v.value, 0);
}

/**
 * Push events/s and totals to the screens once per `intervalMs`. Reads the registry's merged
 * metrics, so counts made in worker threads are included. Returns a stop function.
 */
export function startLiveStatsTicker(metrics: ProcessorMetrics, live: LiveFeed, domains: readonly string[], intervalMs = 1000): () => void {
  const last = new Map<string, number>();
  let lastAt = performance.now();
  const timer = setInterval(async function tick() {
    const all = await metrics.registry.getMetricsAsJSON();
    const now = performance.now();
    const seconds = (now - lastAt) / 1000;
    lastAt = now;
    const eventsPerSecond: Record<string, number> = {};
    for (const d of domains) {
      const total = counterTotal(all, 'vigia_events_total', d);
      eventsPerSecond[d] = Math.max(0, (total - (last.get(d) ?? total)) / seconds);
      last.set(d, total);
    }
    const stats: LiveStats = {
      at: Date.now(),
      eventsPerSecond,
      totals: {
        events: counterTotal(all, 'vigia_events_total'),
        anomalies: counterTotal(all, 'vigia_anomalies_total'),
        deadLetters: counterTotal(all, 'vigia_dead_letters_total'),
      },
    };
    live.stats(stats);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
