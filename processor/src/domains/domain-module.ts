import type { Hono } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ZodType } from 'zod';
import type { Anomaly, DeadLetter, Domain } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import type { KeyBudgetStats } from '../core/key-budget.ts';
import type { RawEvent } from '../core/raw-event.ts';
import type { LiveFeed } from '../ports/sinks.ts';
import type { SerializedSnapshot } from '../core/serialized-snapshot.ts';
import type { DomainBatching } from '../pipeline/domain-batching.ts';

/**
 * What one micro-batch of a domain produced. `records` is the domain's own result (rows,
 * boundaries, whatever its store mapping and live payloads read); the rest is what the generic
 * pipeline needs to publish, ack and count without knowing the domain.
 */
export interface DomainBatchResult<R> {
  records: R;
  anomalies: Anomaly[];
  deadLetters: DeadLetter[];
  /** Events stored (rows of the domain's events table). */
  events: number;
  /** Event time of the last stored event, epoch ms (metrics). */
  lastTs: number | undefined;
  redelivered: number;
  late: number;
  /** Messages kept though their new keys were refused, and why (logged once per process). */
  keyLimited?: number;
  keyLimitReason?: string | undefined;
  /** Failures without a message to dead-letter (their rows are dropped), for the log. */
  errors?: readonly string[];
}

/**
 * The pure heart of a domain: `ingest` (decode, window, everything stateful up to the models),
 * then the models score the stage, then `score` (detectors, verdicts, alerts). Both steps run
 * in log order; the state after a batch depends only on the messages and their order.
 */
export interface DomainCore<Stage, Outputs, R> {
  ingest(batch: readonly RawEvent[], nowMs: number): Stage;
  score(stage: Stage, outputs: Outputs, nowMs: number): DomainBatchResult<R>;
  /** The learned state and the log position it covers, as the text a snapshot stores. */
  captureState(): SerializedSnapshot;
  /** Restore a parsed snapshot; throws SnapshotUnreadableError when it cannot be used. */
  restoreState(raw: unknown): { seqs: Record<string, number> };
  /** What only the end of a replay yields (windows still open), as records; none = nothing. */
  finish?(nowMs: number): R | undefined;
  /** The keys holding state (processor.limits), for metrics; null = unbounded. */
  readonly keys: { readonly stats: KeyBudgetStats } | null;
}

/** The stateless models of a domain (ONNX), scored per micro-batch between ingest and score. */
export interface DomainModels<Stage, Outputs> {
  score(stage: Stage): Promise<Outputs>;
  /** The loaded models' ids, for logs and metrics ('' = none). */
  readonly modelIds: Record<string, string>;
  release(): Promise<void>;
}

/** A domain's core with its models, built for one run (live or a replay). */
export interface DomainRuntime<Stage, Outputs, R> {
  core: DomainCore<Stage, Outputs, R>;
  models: DomainModels<Stage, Outputs>;
}

export interface DomainRuntimeOptions {
  config: VigiaConfig;
  runId: string;
  /** Where `models/` is. */
  projectRoot: string;
  logger: Logger;
  /** A replay may ask for another model version (`models/<name>/<version>`); null = the configured one. */
  modelVersion: string | null;
  /** Live runs may inject faults for tests (VIGIA_FAULT_*); replays never do. */
  purpose: 'live' | 'replay';
}

/** One table a domain writes, and the rows of a batch's records that go into it. */
export interface TableWrite<R> {
  table: string;
  rows(records: R): readonly object[];
  /**
   * The same rows as value arrays in `columns` order, for the hot tables: JSONCompactEachRow
   * carries no key names, so there is less to serialise and chDB parses less (−18 % of the CPU
   * of a 2 000-reading batch's inserts, bench/src/profile/insert-shapes.ts). Both writers use it
   * (a worker's sends the arrays as text with the column list). Columns left out take their defaults.
   */
  compact?: CompactRows<R>;
  /** The tables this write fills when `table` is a Null table fanned out by materialised views, in the order they fill. @default [table] */
  fills?: readonly string[];
  /**
   * Training data only (feature vectors): written by replay runs, whose purpose is to export
   * training sets, and by the live run only when `processor.liveFeatureRows` says so. Measured:
   * they were ~53 % of a trip's insert cost and nothing live reads them (docs/perf/before.md).
   */
  trainingOnly?: true;
}

/** A table's rows as arrays of values, one per column named. */
export interface CompactRows<R> {
  columns: readonly string[];
  values(records: R): readonly (readonly unknown[])[];
}

/**
 * Compact rows that are exactly the named fields of one array of row objects, in column order:
 * the values follow from the column list, so the two cannot drift apart.
 */
export function compactFields<R, T extends object>(columns: readonly (keyof T & string)[], rowsOf: (records: R) => readonly T[]): CompactRows<R> {
  return {
    columns,
    values(records) {
      const rows = rowsOf(records);
      const out = new Array<unknown[]>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const v = new Array<unknown>(columns.length);
        for (let c = 0; c < columns.length; c++) v[c] = row[columns[c]!];
        out[i] = v;
      }
      return out;
    },
  };
}

/** The feature sets a domain's runs write, for `vigia features export`. */
export interface DomainFeatureSets {
  /** The set exported when none is named (the model chain's), if any. */
  defaultSet?: string;
  /**
   * Columns joined from the domain's events for a set (the training target, and the producer's
   * label for evaluation only), as a SQL fragment on `f` (the features table); none = features only.
   */
  exportJoin?(featureSet: string, runId: string): { join: string; columns: string } | undefined;
}

/** A socket.io subscription of the domain's own (beyond the generic domain and entity rooms). */
export interface DomainSocketRoom {
  /** The socket.io event a client emits to join. */
  event: string;
  /** The room for the client's message, or an error text; a socket is in at most one room of a kind. */
  roomOf(msg: unknown): { room: string } | { error: string };
  /** Rooms of this kind start with this prefix (joining one leaves the others). */
  prefix: string;
}

/**
 * Everything a domain is, behind one interface: its event contract, its pure core and models,
 * its tables and row mapping, its live payloads and rooms, its HTTP routes, its replay range
 * filter and diff query, its feature sets and its lines in `vigia status`. The processor,
 * replay, status, replay diff, feature export and the CLI iterate the registry (registry.ts);
 * nothing outside a domain's folder branches on its name.
 */
export interface DomainModule<Stage = any, Outputs = any, R = any> {
  readonly name: Domain;
  /** The event contract (one message of `events.<name>.>`). */
  readonly event: ZodType;
  /** One line for `--help` and the README. */
  readonly description: string;
  /** Build the core and load the models. */
  createRuntime(opts: DomainRuntimeOptions): Promise<DomainRuntime<Stage, Outputs, R>>;
  readonly store: {
    /** The tables a batch writes, in order; the events table last (its rows mean "processed"). */
    writes: readonly TableWrite<R>[];
    /** The events table: run_id, partition, stream_seq, ts, ingested_at (what `vigia status` reads). */
    eventsTable: string;
    /** The rows of the events table in a batch's records (a replay counts and paces by them). */
    eventRows(records: R): readonly { ts: number }[];
    /** The anomaly rows in a batch's records. */
    anomalyRows(records: R): readonly unknown[];
    /**
     * The domain's own tables: idempotent statements (CREATE … IF NOT EXISTS), applied in order
     * when the processor starts. (Sensor and trip tables are still in store/migrations, with
     * the shared ones they join.)
     */
    migrations?: readonly string[];
  };
  /** Live payloads beyond the anomalies (which every domain pushes): readings, map cells, … */
  publishLive?(result: DomainBatchResult<R>, live: LiveFeed): void;
  readonly socketRooms?: readonly DomainSocketRoom[];
  /** HTTP routes, mounted at `/api/<name>`. */
  routes?(store: ClickHouseClient): Hono;
  readonly replay: {
    /** The part of a batch's records a replay of [from, to] (event time, inclusive) writes. */
    filterToRange(records: R, from: number, to: number): R;
    /** What a run scored, as (item, event_id, entity, ts, score, severity, top_feature), for `replay diff`. */
    scoredItemsQuery(runId: string): string;
  };
  readonly features: DomainFeatureSets;
  /**
   * The domain's own micro-batching defaults, where the generic ones (BATCHING_DEFAULTS) do not
   * suit its costs; the config overrides them (processor.batching.<name>, or processor-wide).
   */
  readonly batching?: Partial<DomainBatching>;
}
