// The pure heart of the trade processor. `ingest` decodes a micro-batch, admits each
// declaration's graph nodes to the key budget and computes its features against the state
// before it (then learns it); `score` turns each feature vector into a verdict — today the
// rules and the interim online score, next the autoencoder's reconstruction error, which the
// models step computes between the two from the same vectors.
import { partitionOf, severityOf, subheadingOf, type Anomaly, type Attribution, type DeadLetter, type SeverityBands, type TradeDeclaration } from '../../../../contracts/index.ts';
import type { AnomalyRow, DeadLetterRow, FeatureRow } from '../../../../store/src/rows.ts';
import { deadLetterOf, processingErrorReason, toDeadLetterRow } from '../../core/dead-letter-of.ts';
import type { KeyBudgetSnapshot, KeyLimits } from '../../core/key-budget.ts';
import { TradeKeyBudgets, type TradeKeyBudgetsSnapshot } from './trade-key-budgets.ts';
import { SnapshotUnreadableError } from '../../core/processor-state.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { LogPosition } from '../../core/log-position.ts';
import type { SerializedSnapshot } from '../../core/serialized-snapshot.ts';
import type { DomainBatchResult } from '../domain-module.ts';
import { decodeTradeDeclaration } from './decode-trade-declaration.ts';
import { observeDeclaration, TRADE_FEATURE_INDEX, TRADE_FEATURE_SET, TRADE_FEATURES, type RouteHabit, type TradeFeatureOptions } from './trade-features.ts';
import { TradeGraphState, type TradeGraphSnapshot } from './trade-graph-state.ts';
import { CompanyModelLevels, type CompanyModelLevelsOptions, type CompanyModelLevelsSnapshot } from './company-model-levels.ts';
import { scoreTradeFeatures, type TradeVerdict } from './trade-interim-score.ts';
import type { TradeModelVerdict } from './trade-model-verdict.ts';
import type { TradeDeclarationRow, TradeScoreRow } from './trade-tables.ts';

export const TRADE = 'trade';
export const TRADE_STATE_FORMAT = 'vigia.trade-state';
/** v2: one key budget per partition (TradeKeyBudgets) and the degrees owed by evicted nodes; v1 is read. */
export const TRADE_STATE_VERSION = 2;
/** A node's state before its size is measured: a company with a few edges. */
export const TRADE_NEW_KEY_BYTES = 1_200;

export interface TradeBatchOptions {
  runId: string;
  bands: SeverityBands;
  maxFutureMs: number;
  /** Partitions of the domain: a declaration whose exporter hashes elsewhere is dead-lettered. Unset = not checked. */
  partitionCount?: number;
  /** Bounds on the graph nodes holding state; none = unbounded (tests). */
  limits?: KeyLimits;
  features: TradeFeatureOptions;
  /** The model's per-company self-calibration (scoring.tradeModel.selfCalibrationRate); none = off. */
  modelLevels?: CompanyModelLevelsOptions;
}

/** One declaration between ingest and score. */
export interface TradeItem {
  declaration: TradeDeclaration;
  subheading: string;
  /** In TRADE_FEATURES order. */
  values: number[];
  /** Read by the interim signals beside the features. */
  habit?: RouteHabit;
}

export interface TradeRecords {
  declarations: TradeDeclarationRow[];
  scores: TradeScoreRow[];
  anomalies: AnomalyRow[];
  deadLetters: DeadLetterRow[];
  features: FeatureRow[];
}

export interface TradeStage {
  items: TradeItem[];
  records: TradeRecords;
  deadLetters: DeadLetter[];
  redelivered: number;
  keyLimited: number;
  keyLimitReason: string | undefined;
  nowMs: number;
  /**
   * Each company's usual model error: the model stage reads and updates it in item order (the
   * scoring of batch N+1 waits for batch N's score step, so the order is the log's).
   */
  levels: CompanyModelLevels;
}

/**
 * What the models step adds: per item (index-aligned) the combined verdict of the autoencoder
 * and the rules with its Shapley attributions, and the card's baseline score the attributions
 * add up from (a verdict's own `baseline` when its company is self-calibrated); null = no model
 * loaded (the interim score decides).
 */
export type TradeModelOutputs = { verdicts: TradeModelVerdict[]; baseline: number } | null;

interface TradeState {
  format: string;
  version: number;
  seqs: Record<string, number>;
  graph: TradeGraphSnapshot;
  /** v1: one budget for the domain; v2: per partition. */
  keys: TradeKeyBudgetsSnapshot | KeyBudgetSnapshot | null;
  /** The model's per-company levels; absent before them (every company starts afresh). */
  modelLevels?: CompanyModelLevelsSnapshot;
}

export class TradeBatchProcessor {
  readonly #position = new LogPosition();
  readonly #graph = new TradeGraphState();
  readonly keys: TradeKeyBudgets | null;
  readonly modelLevels: CompanyModelLevels;

  constructor(private readonly opts: TradeBatchOptions) {
    this.keys = opts.limits ? new TradeKeyBudgets(opts.limits, this.#graph, opts.partitionCount) : null;
    this.modelLevels = new CompanyModelLevels(opts.modelLevels ?? { rate: 0, forgetMs: Number.MAX_SAFE_INTEGER });
  }

  ingest(batch: readonly RawEvent[], nowMs: number): TradeStage {
    const { runId, maxFutureMs, partitionCount } = this.opts;
    const stage: TradeStage = { items: [], records: { declarations: [], scores: [], anomalies: [], deadLetters: [], features: [] }, deadLetters: [], redelivered: 0, keyLimited: 0, keyLimitReason: undefined, nowMs, levels: this.modelLevels };
    const reject = (m: RawEvent, kind: string, reason: string) => {
      const dl = deadLetterOf(TRADE, m, kind, reason, nowMs);
      stage.deadLetters.push(dl);
      stage.records.deadLetters.push(toDeadLetterRow(runId, dl));
    };
    for (const m of batch) {
      // Within one process a partition arrives in sequence order: at or below the last
      // sequence seen is a redelivery of a declaration already learned.
      if (this.#position.seen(m.partition, m.seq)) {
        stage.redelivered++;
        continue;
      }
      const decoded = decodeTradeDeclaration(m.data, { nowMs, maxFutureMs, partition: m.partition, partitionCount });
      if (!decoded.ok) {
        reject(m, decoded.kind, decoded.reason);
        continue;
      }
      const d = decoded.value;
      const sub = subheadingOf(d.hs_code);
      const budget = this.keys?.of(m.partition);
      const admitted = budget?.admitAll([TradeGraphState.companyKey(d.exporter_id), TradeGraphState.subheadingKey(m.partition, sub), TradeGraphState.portKey(m.partition, d.port)], d.ts);
      if (admitted && !admitted.ok) {
        stage.keyLimited++;
        const reason = `partition ${m.partition}: ${admitted.reason} (${this.keys!.shareNote})`;
        stage.keyLimitReason = reason;
        reject(m, 'key_limit', reason);
        continue;
      }
      try {
        const observed = observeDeclaration(this.#graph, d, this.opts.features, m.partition);
        stage.items.push({ declaration: d, subheading: observed.subheading, values: observed.values, habit: observed.habit });
        stage.records.declarations.push(toDeclarationRow(runId, d, observed.subheading, m, nowMs));
        stage.records.features.push({ run_id: runId, domain: TRADE, feature_set: TRADE_FEATURE_SET, entity: d.exporter_id, event_id: d.id, ts: d.ts, names: TRADE_FEATURES, values: observed.values, computed_at: nowMs });
      } catch (err) {
        if (admitted?.ok) budget!.release(admitted.fresh);
        reject(m, 'processing_error', processingErrorReason('trade features', err));
      }
    }
    this.keys?.settle();
    return stage;
  }

  score(stage: TradeStage, outputs: TradeModelOutputs): DomainBatchResult<TradeRecords> {
    const { runId, bands } = this.opts;
    const now = stage.nowMs;
    const anomalies: Anomaly[] = [];
    for (let i = 0; i < stage.items.length; i++) {
      const item = stage.items[i]!;
      const d = item.declaration;
      const m = outputs?.verdicts[i];
      const v: TradeVerdict = m ?? scoreTradeFeatures(item.values, undefined, item.habit);
      const attributions = m?.attributions.length ? m.attributions : undefined;
      const severity = severityOf(v.score, bands);
      const row = toScoreRow(runId, item, v, severity ?? '', now, attributions);
      stage.records.scores.push(row);
      if (!severity) continue;
      const a: Anomaly = {
        id: `${runId}:${d.id}`,
        runId,
        domain: TRADE,
        entity: d.exporter_id,
        eventId: d.id,
        ts: d.ts,
        score: v.score,
        severity,
        detector: v.detector,
        drivers: v.drivers,
        ...(attributions ? { attributions } : {}),
        values: {
          fob_usd: d.fob_usd,
          net_kg: d.net_kg,
          quantity: d.quantity,
          uv_z: item.values[TRADE_FEATURE_INDEX.uv_z]!,
          quota_used: row.quota_used,
          // The attributions add up to model_score − shapley_baseline.
          ...(m && outputs ? { model_score: m.modelScore, shapley_baseline: m.baseline ?? outputs.baseline } : {}),
        },
        emittedAt: now,
      };
      anomalies.push(a);
      stage.records.anomalies.push({ run_id: runId, domain: TRADE, entity: a.entity, event_id: a.eventId, ts: a.ts, detector: a.detector, score: a.score, severity, top_feature: row.top_feature, drivers: row.drivers, values: a.values, emitted_at: now });
    }
    const events = stage.records.declarations;
    return {
      records: stage.records,
      anomalies,
      deadLetters: stage.deadLetters,
      events: events.length,
      lastTs: events[events.length - 1]?.ts,
      redelivered: stage.redelivered,
      late: 0,
      keyLimited: stage.keyLimited,
      keyLimitReason: stage.keyLimitReason,
    };
  }

  captureState(): SerializedSnapshot {
    const seqs = this.#position.toSeqs();
    const state: TradeState = { format: TRADE_STATE_FORMAT, version: TRADE_STATE_VERSION, seqs, graph: this.#graph.snapshot(), keys: this.keys?.snapshot() ?? null, modelLevels: this.modelLevels.snapshot() };
    return { text: JSON.stringify(state), format: TRADE_STATE_FORMAT, version: TRADE_STATE_VERSION, seqs };
  }

  restoreState(raw: unknown): { seqs: Record<string, number> } {
    const s = raw as Partial<TradeState> | null;
    if (s?.format !== TRADE_STATE_FORMAT || (s.version !== TRADE_STATE_VERSION && s.version !== 1) || !s.graph || typeof s.seqs !== 'object') {
      throw new SnapshotUnreadableError(`not a ${TRADE_STATE_FORMAT} v1 or v${TRADE_STATE_VERSION} snapshot (format ${String(s?.format)}, version ${String(s?.version)})`);
    }
    try {
      this.#graph.restore(s.graph);
      if (s.version === 1) this.keys?.restoreShared((s.keys as KeyBudgetSnapshot | null) ?? { watermark: null, live: [], evicted: [] }, (key) => this.#partitionOfKey(key));
      else this.keys?.restore((s.keys as TradeKeyBudgetsSnapshot | null) ?? {});
      this.modelLevels.restore(s.modelLevels);
    } catch (err) {
      throw new SnapshotUnreadableError(`trade snapshot does not fit this processor: ${(err as Error).message}`, { cause: err });
    }
    this.#position.restore(s.seqs!);
    return { seqs: s.seqs! };
  }

  /** A node key's partition: `s:`/`p:` keys name it, a company's is its exporter's hash. */
  #partitionOfKey(key: string): number {
    if (!key.startsWith('c:')) return Number(key.slice(2, key.indexOf(':', 2)));
    return this.opts.partitionCount ? partitionOf(key.slice(2), this.opts.partitionCount) : 0;
  }
}

function toDeclarationRow(runId: string, d: TradeDeclaration, subheading: string, m: RawEvent, nowMs: number): TradeDeclarationRow {
  return {
    run_id: runId,
    event_id: d.id,
    partition: m.partition,
    ts: d.ts,
    exporter_id: d.exporter_id,
    exporter_name: d.exporter_name,
    hs_code: d.hs_code,
    subheading,
    port: d.port,
    destination: d.destination,
    transport_mode: d.transport_mode,
    fob_usd: d.fob_usd,
    net_kg: d.net_kg,
    gross_kg: d.gross_kg,
    quantity: d.quantity,
    unit: d.unit,
    controlled: d.controlled ? 1 : 0,
    licence: d.licence ?? '',
    quota_kg: d.quota_kg ?? 0,
    truth_kind: d.truth?.kind ?? '',
    truth_fault_id: d.truth?.faultId ?? '',
    stream_seq: m.seq,
    ingested_at: nowMs,
  };
}

function toScoreRow(runId: string, item: TradeItem, v: TradeVerdict, severity: string, nowMs: number, attributions: readonly Attribution[] | undefined): TradeScoreRow {
  const d = item.declaration;
  return {
    run_id: runId,
    event_id: d.id,
    ts: d.ts,
    exporter_id: d.exporter_id,
    subheading: item.subheading,
    port: d.port,
    destination: d.destination,
    score: v.score,
    severity,
    top_group: v.group,
    top_feature: v.drivers[0]?.feature ?? '',
    detector: v.detector,
    drivers: JSON.stringify(v.drivers),
    quota_used: item.values[TRADE_FEATURE_INDEX.quota_used]!,
    shapley: attributions ? Object.fromEntries(attributions.map((a) => [a.group, a.value])) : {},
    scored_at: nowMs,
  };
}
