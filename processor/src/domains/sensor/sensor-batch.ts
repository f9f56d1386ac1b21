import { severityOf, type Anomaly, type DeadLetter, type SensorReading, type SeverityBands } from '../../../../contracts/index.ts';
import type { AnomalyRow, DeadLetterRow, FeatureRow, ScoreRow, SensorEventRow, SensorWindowRow } from '../../../../store/src/rows.ts';
import { decodeSensorReading } from './decode-sensor-reading.ts';
import { deadLetterOf, processingErrorReason, toDeadLetterRow } from '../../core/dead-letter-of.ts';
import { TooManyChannelsError } from './detectors/sensor-detector.ts';
import { checkpointRows, rollbackRows } from '../../core/row-checkpoint.ts';
import type { ReadingScorer } from './detectors/reading-scorer.ts';
import { SENSOR_CHAIN_FEATURES, SENSOR_CHAIN_FEATURE_SET, sensorChainFeatures } from './sensor-chain-features.ts';
import { windowMeans, type TumblingWindows, type TumblingWindowsSnapshot, type WindowAggregate } from './tumbling-windows.ts';
import { KeyBudget, type KeyLimits } from '../../core/key-budget.ts';
import { sensorKeyedState } from './sensor-keyed-state.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { LogPosition } from '../../core/log-position.ts';
import { PROCESSOR_STATE_FORMAT, PROCESSOR_STATE_VERSION, SnapshotUnreadableError, parseProcessorState, type ProcessorState } from '../../core/processor-state.ts';


/** Everything one micro-batch produced, as rows for the store. */
export interface SensorBatchRows {
  events: SensorEventRow[];
  scores: ScoreRow[];
  anomalies: AnomalyRow[];
  windows: SensorWindowRow[];
  deadLetters: DeadLetterRow[];
  features: FeatureRow[];
}

export interface SensorBatchOptions {
  runId: string;
  scorer: ReadingScorer;
  windows: TumblingWindows;
  bands: SeverityBands;
  maxFutureMs: number;
  /** Partitions of the domain: a reading whose station hashes to another partition is dead-lettered. Unset = not checked. */
  partitionCount?: number;
  /** Bounds on the stations holding state (key-budget.ts); none = unbounded (tests, bounded replays). */
  limits?: KeyLimits;
}

export interface SensorBatchResult {
  rows: SensorBatchRows;
  anomalies: Anomaly[];
  deadLetters: DeadLetter[];
  /** Messages delivered again (ack timeout) and skipped: already scored in this process. */
  redelivered: number;
  late: number;
}

/**
 * The pure heart of the sensor processor: a micro-batch of raw log messages in, every row,
 * alert and dead letter out. Deterministic given the messages, their order and `nowMs`
 * (which only stamps wall-clock columns and bounds future timestamps).
 */
export class SensorBatchProcessor {
  readonly #position = new LogPosition();
  /** Stations holding state, their memory and the idle ones' evicted state. */
  readonly keys: KeyBudget | null;
  constructor(private readonly opts: SensorBatchOptions) {
    this.keys = opts.limits ? new KeyBudget(opts.limits, sensorKeyedState(opts.scorer, opts.windows)) : null;
  }

  /** The learned state and the log position it covers (call between batches). */
  captureState(): ProcessorState {
    return {
      format: PROCESSOR_STATE_FORMAT,
      version: PROCESSOR_STATE_VERSION,
      seqs: this.#position.toSeqs(),
      detector: this.opts.scorer.snapshot(),
      windows: this.opts.windows.snapshot(),
      keys: this.keys?.snapshot() ?? null,
    };
  }

  /**
   * captureState() as JSON text in consecutive pieces (one per station), built without the
   * detector's whole object tree (sensor-detector.ts snapshotParts): what a snapshot stores.
   */
  captureStateText(): { text: string[]; format: string; version: number; seqs: ProcessorState['seqs'] } {
    const { scorer, windows } = this.opts;
    const seqs = this.#position.toSeqs();
    const text = [`{"format":${JSON.stringify(PROCESSOR_STATE_FORMAT)},"version":${PROCESSOR_STATE_VERSION},"seqs":${JSON.stringify(seqs)},"detector":`];
    if (scorer.snapshotParts) for (const part of scorer.snapshotParts()) text.push(part);
    else text.push(JSON.stringify(scorer.snapshot()));
    text.push(`,"windows":${JSON.stringify(windows.snapshot())},"keys":${JSON.stringify(this.keys?.snapshot() ?? null)}}`);
    return { text, format: PROCESSOR_STATE_FORMAT, version: PROCESSOR_STATE_VERSION, seqs };
  }

  /** Replace the state with a snapshot; throws SnapshotUnreadableError when it does not fit. */
  restoreState(raw: unknown): ProcessorState {
    const state = parseProcessorState(raw);
    try {
      this.opts.scorer.restore(state.detector);
      this.opts.windows.restore(state.windows as TumblingWindowsSnapshot);
      this.keys?.restore(state.keys ?? { watermark: null, live: [], evicted: [] });
    } catch (err) {
      throw new SnapshotUnreadableError(`snapshot does not fit this processor: ${(err as Error).message}`, { cause: err });
    }
    this.#position.restore(state.seqs);
    return state;
  }

  process(batch: readonly RawEvent[], nowMs: number): SensorBatchResult {
    const { runId, scorer, windows, bands, maxFutureMs, partitionCount } = this.opts;
    const rows: SensorBatchRows = { events: [], scores: [], anomalies: [], windows: [], deadLetters: [], features: [] };
    const anomalies: Anomaly[] = [];
    const deadLetters: DeadLetter[] = [];
    let redelivered = 0;
    let late = 0;
    // Rolled back when a reading throws half-way; not rows.windows: a window it closed is closed.
    const outputs = [rows.events, rows.scores, rows.anomalies, rows.features, anomalies];
    const reject = (m: RawEvent, kind: string, reason: string) => {
      const dl = deadLetterOf('sensor', m, kind, reason, nowMs);
      deadLetters.push(dl);
      rows.deadLetters.push(toDeadLetterRow(runId, dl));
    };

    for (const m of batch) {
      // The processor (re)creates its consumers at start, so within one process every
      // partition arrives in sequence order (see LogPosition).
      if (this.#position.seen(m.partition, m.seq)) {
        redelivered++;
        continue;
      }

      const decoded = decodeSensorReading(m.data, { nowMs, maxFutureMs, partition: m.partition, partitionCount });
      if (!decoded.ok) {
        reject(m, decoded.kind, decoded.reason);
        continue;
      }
      const r = decoded.reading;
      const admitted = this.keys?.admit(r.station, r.ts);
      if (admitted && !admitted.ok) {
        reject(m, 'key_limit', admitted.reason);
        continue;
      }
      // A reading that makes anything throw (a detector bug, an unexpected value) must not stop
      // the stream: its partial rows are dropped and it becomes a dead letter.
      const mark = checkpointRows(outputs);
      try {
        late += this.#score(r, m, nowMs, rows, anomalies);
      } catch (err) {
        rollbackRows(outputs, mark);
        // A station new in this message leaves no trace in the budget (nor the state it began).
        if (admitted?.ok) this.keys!.release(admitted.fresh);
        // A station growing past its channel limit is the sender's doing, not a bug: say so.
        if (err instanceof TooManyChannelsError) reject(m, 'channel_limit', err.message);
        else reject(m, 'processing_error', processingErrorReason('scoring', err));
      }
    }
    this.keys?.settle();
    return { rows, anomalies, deadLetters, redelivered, late };
  }

  /** Score one decoded reading into the batch's rows; returns 1 when it was late. */
  #score(r: SensorReading, m: RawEvent, nowMs: number, rows: SensorBatchRows, anomalies: Anomaly[]): number {
    const { runId, scorer, windows, bands } = this.opts;
    const scored = scorer.score(r.station, r.ts, r.channels);
    const added = windows.add(r.station, r.ts, r.channels, scored.score);
    for (const w of added.closed) rows.windows.push(toWindowRow(runId, w, nowMs));

    const severity = severityOf(scored.score, bands);
    const top = scored.drivers[0]?.feature ?? '';
    const drivers = JSON.stringify(scored.drivers);
    rows.events.push({
      run_id: runId,
      event_id: r.id,
      station: r.station,
      partition: m.partition,
      ts: r.ts,
      channels: r.channels,
      late: added.late ? 1 : 0,
      truth_kind: r.truth?.kind ?? '',
      truth_fault_id: r.truth?.faultId ?? '',
      stream_seq: m.seq,
      ingested_at: nowMs,
    });
    const score: ScoreRow = {
      run_id: runId,
      domain: 'sensor',
      entity: r.station,
      event_id: r.id,
      ts: r.ts,
      detector: scored.detector,
      score: scored.score,
      severity: severity ?? '',
      top_feature: top,
      drivers,
      scored_at: nowMs,
    };
    rows.scores.push(score);
    const vector = sensorChainFeatures(r.ts, r.channels);
    if (vector) {
      rows.features.push({
        run_id: runId,
        domain: 'sensor',
        feature_set: SENSOR_CHAIN_FEATURE_SET,
        entity: r.station,
        event_id: r.id,
        ts: r.ts,
        names: SENSOR_CHAIN_FEATURES,
        values: vector,
        computed_at: nowMs,
      });
    }
    if (severity) {
      const anomaly: Anomaly = {
        id: `${runId}:${r.id}`,
        runId,
        domain: 'sensor',
        entity: r.station,
        eventId: r.id,
        ts: r.ts,
        score: scored.score,
        severity,
        detector: scored.detector,
        drivers: scored.drivers,
        values: r.channels,
        emittedAt: nowMs,
      };
      anomalies.push(anomaly);
      rows.anomalies.push(toAnomalyRow(score, anomaly));
    }
    return added.late ? 1 : 0;
  }

  /** Close all open windows (end of a bounded run). */
  flushWindows(nowMs: number): SensorWindowRow[] {
    // Evicted stations' open windows are in their evicted state.
    this.keys?.reviveAll();
    return this.opts.windows.flush().map((w) => toWindowRow(this.opts.runId, w, nowMs));
  }
}

function toWindowRow(runId: string, w: WindowAggregate, nowMs: number): SensorWindowRow {
  return {
    run_id: runId,
    station: w.key,
    window_start: w.start,
    window_end: w.end,
    readings: w.count,
    mean: windowMeans(w),
    min: w.min,
    max: w.max,
    max_score: w.maxScore,
    closed_at: nowMs,
  };
}

function toAnomalyRow(score: ScoreRow, a: Anomaly): AnomalyRow {
  return {
    run_id: a.runId,
    domain: a.domain,
    entity: a.entity,
    event_id: a.eventId,
    ts: a.ts,
    detector: a.detector,
    score: a.score,
    severity: a.severity,
    top_feature: score.top_feature,
    drivers: score.drivers,
    values: a.values,
    emitted_at: a.emittedAt,
  };
}
