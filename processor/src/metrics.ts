import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { KeyBudgetStats } from './core/key-budget.ts';

/** A registry's metrics as getMetricsAsJSON gives them (what a worker thread sends). */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/**
 * A registry that also reports the latest metrics of other registries (the worker threads'),
 * merged: counters and histograms summed across them, gauges as each declares (`aggregator`).
 * Workers push their metrics (they are not asked), so a scrape never waits for a busy worker.
 */
export class MergingRegistry extends Registry {
  readonly #remotes = new Map<string, MetricsJson>();

  /** The latest metrics of one remote registry (replaces its previous ones). */
  setRemote(id: string, metrics: MetricsJson): void {
    this.#remotes.set(id, metrics);
  }

  override async getMetricsAsJSON(): Promise<MetricsJson> {
    const local = await super.getMetricsAsJSON();
    if (this.#remotes.size === 0) return local;
    return AggregatorRegistry.aggregate([local, ...this.#remotes.values()]).getMetricsAsJSON();
  }

  override async metrics(): Promise<string> {
    if (this.#remotes.size === 0) return super.metrics();
    return AggregatorRegistry.aggregate([await super.getMetricsAsJSON(), ...this.#remotes.values()]).metrics();
  }
}

export interface ProcessorMetricsOptions {
  /** Process metrics (CPU, RSS, event loop): the main thread's only, as they are the whole process's. @default true */
  processMetrics?: boolean;
}

/** The processor's Prometheus metrics, on their own registry (tests create several). */
export class ProcessorMetrics {
  readonly registry = new MergingRegistry();
  readonly events = new Counter({ name: 'vigia_events_total', help: 'Events stored, by domain', labelNames: ['domain'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'vigia_dead_letters_total', help: 'Messages dead-lettered, by domain and kind', labelNames: ['domain', 'kind'], registers: [this.registry] });
  readonly anomalies = new Counter({ name: 'vigia_anomalies_total', help: 'Anomalies emitted, by domain and severity', labelNames: ['domain', 'severity'], registers: [this.registry] });
  readonly redelivered = new Counter({ name: 'vigia_redelivered_total', help: 'Messages delivered again by the log (crash or ack timeout)', labelNames: ['domain'], registers: [this.registry] });
  readonly late = new Counter({ name: 'vigia_late_events_total', help: 'Events that arrived after their window closed', labelNames: ['domain'], registers: [this.registry] });
  readonly sinkRetries = new Counter({ name: 'vigia_sink_retries_total', help: 'Failed sink attempts that were retried', labelNames: ['sink'], registers: [this.registry] });
  readonly sinkPermanentFailures = new Counter({ name: 'vigia_sink_permanent_failures_total', help: 'Sink writes refused for good (e.g. over max_payload), skipped', labelNames: ['sink'], registers: [this.registry] });
  readonly batchSeconds = new Histogram({
    name: 'vigia_batch_commit_seconds',
    help: 'Time from a micro-batch being cut to its ack',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly storeStatementSeconds = new Histogram({
    name: 'vigia_store_statement_seconds',
    help: "Statements at the store's one owner, by lane (domain or worker, http, replay, health): time waiting for the lane's turn (phase=waited) and running (phase=ran)",
    labelNames: ['lane', 'phase'],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({ name: 'vigia_batch_events', help: 'Events per micro-batch', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000], registers: [this.registry] });
  readonly modelSeconds = new Histogram({
    name: 'vigia_model_seconds',
    help: 'Model inference time per micro-batch',
    labelNames: ['model'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly lastSnapshot = new Gauge({ name: 'vigia_last_snapshot_time_seconds', help: 'Wall-clock time of the last saved state snapshot', aggregator: 'max', registers: [this.registry] });
  readonly lastCommitTime = new Gauge({ name: 'vigia_last_commit_time_seconds', help: 'Wall-clock time of the last committed micro-batch, by domain', labelNames: ['domain'], aggregator: 'max', registers: [this.registry] });
  /** Wall-clock ms of each domain's last committed batch (what /health judges progress by). */
  readonly lastCommitMs = new Map<string, number>();
  /** Per domain and pipeline (this thread's or a worker's): when its oldest uncommitted event arrived (pipeline/waiting-clock.ts). */
  readonly #waiting = new Map<string, Map<string, number>>();
  /** Where `pipeline` (a worker, or 'local') stands: the arrival ms of its oldest uncommitted event of `domain`, undefined = none waits. */
  setWaiting(domain: string, pipeline: string, oldestMs: number | undefined): void {
    let byPipeline = this.#waiting.get(domain);
    if (!byPipeline) this.#waiting.set(domain, (byPipeline = new Map()));
    if (oldestMs === undefined) byPipeline.delete(pipeline);
    else byPipeline.set(pipeline, oldestMs);
  }
  /** When the domain's oldest uncommitted event arrived, over all its pipelines (what /health's stall clock starts from). */
  oldestWaitingMs(domain: string): number | undefined {
    const byPipeline = this.#waiting.get(domain);
    return byPipeline?.size ? Math.min(...byPipeline.values()) : undefined;
  }
  readonly lastEventTime = new Gauge({ name: 'vigia_last_event_time_seconds', help: 'Event time of the newest processed event', labelNames: ['domain'], aggregator: 'max', registers: [this.registry] });

  /** Messages whose new key would pass a limit of processor.limits (see key-budget.ts): sensor readings dead-lettered, trips kept without cell windows. */
  readonly keyLimited = new Counter({
    name: 'vigia_key_limit_total',
    help: 'Messages whose new key would pass processor.limits, by domain (sensor: dead-lettered, kind key_limit; trip: stored and fare-scored, but not counted in the cell windows)',
    labelNames: ['domain'],
    registers: [this.registry],
  });
  readonly #keyStats = new Map<string, () => KeyBudgetStats>();
  readonly keys = new Gauge({
    name: 'vigia_keys',
    help: 'Keys holding state, by domain and state (live in the detectors, or evicted and serialized)',
    labelNames: ['domain', 'state'],
    registers: [this.registry],
    collect: () => this.#collectKeys(),
  });
  readonly keyStateBytes = new Gauge({
    name: 'vigia_key_state_bytes',
    help: 'Bytes of per-key state counted against processor.limits.stateBudgetBytes, by domain and state (live: estimate; evicted: serialized)',
    labelNames: ['domain', 'state'],
    registers: [this.registry],
    collect: () => this.#collectKeys(),
  });

  /** Keys whose state was dropped (forgotten) by the key budget: after forgetEvictedMs, or to fit stateBudgetBytes. */
  readonly keysForgotten = new Counter({
    name: 'vigia_keys_forgotten_total',
    help: 'Evicted keys forgotten (state dropped; they start fresh if they return), by domain and reason (retention: processor.limits.forgetEvictedMs; budget: processor.limits.stateBudgetBytes)',
    labelNames: ['domain', 'reason'],
    registers: [this.registry],
    collect: () => this.#collectKeys(),
  });
  /** What vigia_keys_forgotten_total already counts, per domain and reason (the budget keeps running totals). */
  readonly #forgottenSeen = new Map<string, number>();

  /** Report a domain's key budget in vigia_keys, vigia_key_state_bytes and vigia_keys_forgotten_total, read at each scrape. */
  watchKeys(domain: string, stats: () => KeyBudgetStats): void {
    this.#keyStats.set(domain, stats);
  }

  #collectKeys(): void {
    for (const [domain, stats] of this.#keyStats) {
      const s = stats();
      this.keys.set({ domain, state: 'live' }, s.live);
      this.keys.set({ domain, state: 'evicted' }, s.evicted);
      this.keyStateBytes.set({ domain, state: 'live' }, s.liveBytes);
      this.keyStateBytes.set({ domain, state: 'evicted' }, s.evictedBytes);
      for (const [reason, n] of [['retention', s.forgottenRetention], ['budget', s.forgottenBudget]] as const) {
        const id = `${domain}\0${reason}`;
        const seen = this.#forgottenSeen.get(id) ?? 0;
        // A new budget (the domain restarted) counts from 0 again.
        const delta = n >= seen ? n - seen : n;
        if (delta > 0 || !this.#forgottenSeen.has(id)) this.keysForgotten.inc({ domain, reason }, delta);
        this.#forgottenSeen.set(id, n);
      }
    }
  }

  constructor(opts: ProcessorMetricsOptions = {}) {
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'vigia_process_' });
  }
}
