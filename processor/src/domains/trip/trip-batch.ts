/**
 * The pure heart of the trip processor, in two steps around the (asynchronous, stateless) ONNX
 * models:
 *
 *   ingest(batch)  → decode, dead-letter, H3 cells, hopping windows, feature vectors
 *   [models]       → expected fare per trip, demand-forest score per cell row
 *   score(stage)   → trip scores, cell demand scores, alerts, rows, the map's boundaries
 *
 * Both steps are synchronous and the wiring runs ingest → models → score of one batch before
 * the next batch's ingest, so every piece of learned state evolves in log order and a snapshot
 * taken after `score` covers exactly the sequences seen. One TripCellPipeline per partition:
 * a partition is a whole city (see contracts/trip-subject.ts).
 */
import {
  severityOf,
  TRIP_RESOLUTIONS,
  type Anomaly,
  type AnomalyDriver,
  type DeadLetter,
  type LiveCellBoundary,
  type SeverityBands,
  type TripEvent,
} from '../../../../contracts/index.ts';
import type { AnomalyRow, DeadLetterRow, FeatureRow, TripCellWindowRow, TripEventRow, TripScoreRow } from '../../../../store/src/rows.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { LogPosition } from '../../core/log-position.ts';
import { SnapshotUnreadableError } from '../../core/processor-state.ts';
import { decodeTripEvent } from './decode-trip-event.ts';
import { deadLetterOf, processingErrorReason, toDeadLetterRow } from '../../core/dead-letter-of.ts';
import { checkpointRows, rollbackRows } from '../../core/row-checkpoint.ts';
import { TRIP_CELL_FEATURE_SET, TRIP_CELL_FEATURES, TRIP_CELL_WINDOWS, type TripCellFeatureRow } from './trip-cell-features.ts';
import { TripCellPipeline, tripCellInput, type TripCellPipelineResult, type TripCellPipelineSnapshot } from './trip-cell-pipeline.ts';
import { TRIP_FARE_FEATURE_SET, TRIP_FARE_FEATURES, tripFareFeatures } from './trip-fare-features.ts';
import type { KeyBudget, KeyLimits } from '../../core/key-budget.ts';
import { tripCellBudget } from './trip-cell-keys.ts';
import { parseTripProcessorState, TRIP_STATE_FORMAT, TRIP_STATE_VERSION, type TripProcessorState } from './trip-processor-state.ts';

/** What the per-trip scorer answers (see trip-scorer.ts). */
export interface TripVerdict {
  score: number;
  kind: 'overcharge' | 'impossible' | 'detour' | null;
  drivers: AnomalyDriver[];
}

/** What the cell-demand scorer answers for one row (see cell-demand-scorer.ts). */
export interface CellVerdict {
  score: number;
  direction: 'surge' | 'collapse' | null;
  expected: number | null;
  observed: number;
  drivers: AnomalyDriver[];
}

export interface TripLevelScorer {
  readonly detector: string;
  score(t: TripEvent, fareFeatures: Float64Array, expectedFare: number | null, fareScore: number | null): TripVerdict;
  captureState(): unknown;
  restoreState(s: unknown): void;
}

export interface CellBoundaryScorer {
  readonly detector: string;
  /** Rows of ONE boundary (all resolutions), with the demand model's calibrated scores. */
  scoreBoundary(rows: readonly TripCellFeatureRow[], ifScores: readonly (number | null)[]): CellVerdict[];
  captureState(): unknown;
  restoreState(s: unknown): void;
}

/** Decides which scored cell rows raise an alert (one per episode, not one per 5 minutes). */
export interface CellAlertPolicy {
  /** Same order as `rows`; true = publish an anomaly for this row. */
  decide(rows: readonly TripCellFeatureRow[], verdicts: readonly CellVerdict[]): boolean[];
  captureState(): unknown;
  restoreState(s: unknown): void;
}

export interface TripBatchOptions {
  runId: string;
  tripScorer: TripLevelScorer;
  cellScorer: CellBoundaryScorer;
  alertPolicy: CellAlertPolicy;
  bands: SeverityBands;
  maxFutureMs: number;
  /** Partitions of the domain: a trip whose city hashes to another partition is dead-lettered. Unset = not checked. */
  partitionCount?: number;
  /** How far behind the city's newest dropoff a pickup may still count, ms. */
  allowedLatenessMs: number;
  /**
   * Window and score H3 cells (demand). Off, trips are still decoded, stored (so the per-minute
   * views count them) and fare-scored — for counting-only runs such as `bench nyc-taxi`, where
   * half a year of sparse cells would cost far more than the counts need. @default true
   */
  cellWindows?: boolean;
  /**
   * Build the feature-vector rows (trip-fare@1 per trip, trip-cell@1 per cell row). They are
   * training data, stored only by replays and by a live run with `processor.liveFeatureRows`;
   * a live run that would drop them skips making them (a copy of 18–23 numbers per row). @default true
   */
  featureRows?: boolean;
  /** Bounds on the r9 cells holding state (trip-cell-keys.ts); none = unbounded (tests, bounded replays). */
  limits?: Pick<KeyLimits, 'maxKeys' | 'budgetBytes' | 'configPath'>;
}

export interface IngestedTrip {
  trip: TripEvent;
  partition: number;
  seq: number;
  /** Where it came from, for a dead letter if scoring it throws. */
  subject: string;
  cells: { r7: string; r8: string; r9: string; dropoffR9: string };
  fareFeatures: Float64Array;
  pickupLate: boolean;
  /** Its new r9 cells would pass processor.limits: stored and fare-scored, but not in the cell windows. */
  cellsRefused?: true;
}

/** Everything `ingest` found, waiting for the models. */
export interface TripStage {
  trips: IngestedTrip[];
  /** Completed boundaries' cell rows, boundary by boundary. */
  cellRows: TripCellFeatureRow[];
  deadLetters: DeadLetter[];
  redelivered: number;
  late: number;
  /** Trips kept without cell windows because their new cells would pass processor.limits, and the last reason. */
  keyLimited: number;
  keyLimitReason?: string;
}

/** The models' answers, index-aligned with the stage. Nulls when no model is loaded. */
export interface TripModelOutputs {
  expectedFares: readonly (number | null)[];
  fareScores: readonly (number | null)[];
  fareModel: string;
  ifScores: readonly (number | null)[];
  demandModel: string;
}

export interface TripBatchRows {
  events: TripEventRow[];
  scores: TripScoreRow[];
  cellWindows: TripCellWindowRow[];
  anomalies: AnomalyRow[];
  deadLetters: DeadLetterRow[];
  features: FeatureRow[];
}

export interface TripBatchResult {
  rows: TripBatchRows;
  anomalies: Anomaly[];
  deadLetters: DeadLetter[];
  boundaries: LiveCellBoundary[];
  redelivered: number;
  late: number;
  /** Trips kept without cell windows (TripStage.keyLimited). */
  keyLimited: number;
  keyLimitReason?: string;
  /** Cell boundaries whose scoring threw (no message to dead-letter: their rows are dropped), for the log. */
  boundaryErrors: string[];
}

export const NO_MODEL_OUTPUTS = (stage: TripStage): TripModelOutputs => ({
  expectedFares: stage.trips.map(() => null),
  fareScores: stage.trips.map(() => null),
  fareModel: '',
  ifScores: stage.cellRows.map(() => null),
  demandModel: '',
});

const encoder = new TextEncoder();
const NO_ROWS: TripCellFeatureRow[] = [];
function noCells(t: TripEvent): TripCellPipelineResult {
  const input = tripCellInput(t, TRIP_CELL_WINDOWS.resolutions);
  return { pickupLate: false, dropoffLate: false, pickupCells: input.pickupCells, dropoffCells: input.dropoffCells, rows: NO_ROWS };
}
const RES = TRIP_CELL_FEATURES.indexOf.bind(TRIP_CELL_FEATURES);
const F_P15 = RES('pickups_15m');
const F_P60 = RES('pickups_60m');
const F_D15 = RES('dropoffs_15m');
const F_D60 = RES('dropoffs_60m');
const F_FPM = RES('fare_per_mile_60m');
const F_SPD = RES('speed_mph_60m');
const FARE_IDX = Object.fromEntries(TRIP_FARE_FEATURES.map((n, i) => [n, i])) as Record<(typeof TRIP_FARE_FEATURES)[number], number>;

export class TripBatchProcessor {
  readonly #position = new LogPosition();
  readonly #pipelines = new Map<number, TripCellPipeline>();
  /** The r9 cells holding state, when windows run and limits are set. */
  readonly cellKeys: KeyBudget | null;
  constructor(private readonly opts: TripBatchOptions) {
    this.cellKeys = opts.limits && opts.cellWindows !== false ? tripCellBudget(opts.limits) : null;
  }

  captureState(): TripProcessorState {
    return {
      format: TRIP_STATE_FORMAT,
      version: TRIP_STATE_VERSION,
      seqs: this.#position.toSeqs(),
      pipelines: Object.fromEntries([...this.#pipelines].map(([p, pl]) => [String(p), pl.snapshot()])),
      tripScorer: this.opts.tripScorer.captureState(),
      cellScorer: this.opts.cellScorer.captureState(),
      alertPolicy: this.opts.alertPolicy.captureState(),
      cellKeys: this.cellKeys?.snapshot() ?? null,
    };
  }

  restoreState(raw: unknown): TripProcessorState {
    const state = parseTripProcessorState(raw);
    const pipelines = new Map<number, TripCellPipeline>();
    try {
      for (const [p, snap] of Object.entries(state.pipelines)) {
        const pl = this.#newPipeline();
        pl.restore(snap as TripCellPipelineSnapshot);
        pipelines.set(Number(p), pl);
      }
      this.opts.tripScorer.restoreState(state.tripScorer);
      this.opts.cellScorer.restoreState(state.cellScorer);
      this.opts.alertPolicy.restoreState(state.alertPolicy);
      this.cellKeys?.restore(state.cellKeys ?? { watermark: null, live: [], evicted: [] });
    } catch (err) {
      throw new SnapshotUnreadableError(`trip snapshot does not fit this processor: ${(err as Error).message}`, { cause: err });
    }
    this.#pipelines.clear();
    for (const [p, pl] of pipelines) this.#pipelines.set(p, pl);
    this.#position.restore(state.seqs);
    return state;
  }

  ingest(batch: readonly RawEvent[], nowMs: number): TripStage {
    const stage: TripStage = { trips: [], cellRows: [], deadLetters: [], redelivered: 0, late: 0, keyLimited: 0 };
    for (const m of batch) {
      // As in the sensor core: partitions arrive in order, so a sequence already seen is a
      // redelivery of a message whose batch is committing.
      if (this.#position.seen(m.partition, m.seq)) {
        stage.redelivered++;
        continue;
      }
      const decoded = decodeTripEvent(m.data, { nowMs, maxFutureMs: this.opts.maxFutureMs, partition: m.partition, partitionCount: this.opts.partitionCount });
      if (!decoded.ok) {
        stage.deadLetters.push(deadLetterOf('trip', m, decoded.kind, decoded.reason, nowMs));
        continue;
      }
      const t = decoded.trip;
      let pipeline = this.#pipelines.get(m.partition);
      if (!pipeline) {
        pipeline = this.#newPipeline();
        this.#pipelines.set(m.partition, pipeline);
      }
      let fresh: readonly string[] = [];
      try {
        // H3 indexing is the costly part of a trip: the windows compute the cells once, and
        // a counting-only run (no windows) computes them just for the row.
        let input;
        let refused = false;
        if (this.cellKeys) {
          input = tripCellInput(t, TRIP_CELL_WINDOWS.resolutions);
          const admitted = this.cellKeys.admitAll([input.pickupCells.at(-1)!, input.dropoffCells.at(-1)!], t.dropoff_ts);
          if (admitted.ok) fresh = admitted.fresh;
          else {
            // Only the cell windows need per-cell state: the trip is still stored and fare-scored.
            refused = true;
            stage.keyLimited++;
            stage.keyLimitReason = admitted.reason;
          }
        }
        const added = refused
          ? { pickupLate: false, dropoffLate: false, pickupCells: input!.pickupCells, dropoffCells: input!.dropoffCells, rows: NO_ROWS }
          : this.opts.cellWindows === false
            ? noCells(t)
            : pipeline.add(t, input);
        fresh = [];
        // The boundaries this trip closed belong to the city, whatever happens to the trip.
        for (const r of added.rows) stage.cellRows.push(r);
        const fareFeatures = tripFareFeatures(t);
        if (added.pickupLate || added.dropoffLate) stage.late++;
        stage.trips.push({
          trip: t,
          partition: m.partition,
          seq: m.seq,
          subject: m.subject,
          cells: { r7: added.pickupCells[0]!, r8: added.pickupCells[1]!, r9: added.pickupCells[2]!, dropoffR9: added.dropoffCells[2]! },
          fareFeatures,
          pickupLate: added.pickupLate,
          ...(refused ? { cellsRefused: true as const } : {}),
        });
      } catch (err) {
        // Cells new in a trip whose windows threw leave no trace in the budget.
        this.cellKeys?.release(fresh);
        stage.deadLetters.push(deadLetterOf('trip', m, 'processing_error', processingErrorReason('trip windows', err), nowMs));
      }
    }
    return stage;
  }

  score(stage: TripStage, models: TripModelOutputs, nowMs: number): TripBatchResult {
    const { runId, bands, tripScorer, cellScorer, alertPolicy } = this.opts;
    const featureRows = this.opts.featureRows !== false;
    const rows: TripBatchRows = { events: [], scores: [], cellWindows: [], anomalies: [], deadLetters: stage.deadLetters.map((d) => toDeadLetterRow(runId, d)), features: [] };
    const anomalies: Anomaly[] = [];
    const deadLetters = [...stage.deadLetters];
    const boundaryErrors: string[] = [];
    const outputs = [rows.events, rows.scores, rows.cellWindows, rows.anomalies, rows.features, anomalies];
    const publish = (a: Anomaly, topFeature: string) => {
      anomalies.push(a);
      rows.anomalies.push({
        run_id: runId,
        domain: 'trip',
        entity: a.entity,
        event_id: a.eventId,
        ts: a.ts,
        detector: a.detector,
        score: a.score,
        severity: a.severity,
        top_feature: topFeature,
        drivers: JSON.stringify(a.drivers),
        values: a.values,
        emitted_at: a.emittedAt,
      });
    };

    stage.trips.forEach((it, i) => {
      // A trip whose scoring throws becomes a dead letter without partial rows; the batch goes on.
      const mark = checkpointRows(outputs);
      try {
        scoreTrip(it, i);
      } catch (err) {
        rollbackRows(outputs, mark);
        const d = deadLetterOf('trip', { subject: it.subject, seq: it.seq, data: encoder.encode(JSON.stringify(it.trip)) }, 'processing_error', processingErrorReason('trip scoring', err), nowMs);
        deadLetters.push(d);
        rows.deadLetters.push(toDeadLetterRow(runId, d));
      }
    });

    function scoreTrip(it: IngestedTrip, i: number): void {
      const t = it.trip;
      const expected = models.expectedFares[i] ?? null;
      const verdict = tripScorer.score(t, it.fareFeatures, expected, models.fareScores[i] ?? null);
      const severity = severityOf(verdict.score, bands);
      const top = verdict.drivers[0]?.feature ?? '';
      rows.events.push(toTripEventRow(runId, it, nowMs));
      rows.scores.push({
        run_id: runId,
        event_id: t.id,
        ts: t.dropoff_ts,
        pickup_cell: it.cells.r8,
        fare_amount: t.fare_amount,
        expected_fare: expected,
        fare_score: models.fareScores[i] ?? null,
        score: verdict.score,
        severity: severity ?? '',
        kind: verdict.kind ?? '',
        top_feature: top,
        drivers: JSON.stringify(verdict.drivers),
        detector: tripScorer.detector,
        model: models.fareModel,
        scored_at: nowMs,
      });
      if (featureRows) rows.features.push({
        run_id: runId,
        domain: 'trip',
        feature_set: TRIP_FARE_FEATURE_SET,
        entity: it.cells.r8,
        event_id: t.id,
        ts: t.dropoff_ts,
        names: TRIP_FARE_FEATURES,
        values: [...it.fareFeatures],
        computed_at: nowMs,
      });
      if (severity) {
        const f = it.fareFeatures;
        publish(
          {
            id: `${runId}:${t.id}`,
            runId,
            domain: 'trip',
            entity: t.id,
            eventId: t.id,
            ts: t.dropoff_ts,
            score: verdict.score,
            severity,
            detector: tripScorer.detector,
            drivers: verdict.drivers,
            values: {
              fare_amount: t.fare_amount,
              ...(expected !== null ? { expected_fare: expected } : {}),
              total_amount: t.total_amount,
              trip_distance: t.trip_distance,
              duration_min: f[FARE_IDX.duration_min]!,
              speed_mph: f[FARE_IDX.speed_mph]!,
              straight_line_mi: f[FARE_IDX.straight_line_mi]!,
              detour_ratio: f[FARE_IDX.detour_ratio]!,
              pickup_lat: t.pickup_lat,
              pickup_lng: t.pickup_lng,
            },
            emittedAt: nowMs,
          },
          top,
        );
      }
    }

    // Cell rows, one boundary at a time (a scorer compares a cell with its neighbours then).
    const boundaries: LiveCellBoundary[] = [];
    let from = 0;
    for (let i = 1; i <= stage.cellRows.length; i++) {
      if (i < stage.cellRows.length && stage.cellRows[i]!.windowEnd === stage.cellRows[from]!.windowEnd) continue;
      const group = stage.cellRows.slice(from, i);
      const ifScores = models.ifScores.slice(from, i);
      from = i;
      // A boundary whose scoring throws loses its rows, not the batch (its trips are stored).
      const mark = checkpointRows(outputs);
      try {
        scoreBoundary(group, ifScores);
      } catch (err) {
        rollbackRows(outputs, mark);
        boundaryErrors.push(`boundary ${new Date(group[0]!.windowEnd).toISOString()}: ${processingErrorReason('cell scoring', err)}`);
      }
    }
    return {
      rows,
      anomalies,
      deadLetters,
      boundaries,
      redelivered: stage.redelivered,
      late: stage.late,
      keyLimited: stage.keyLimited,
      ...(stage.keyLimitReason !== undefined ? { keyLimitReason: stage.keyLimitReason } : {}),
      boundaryErrors,
    };

    function scoreBoundary(group: TripCellFeatureRow[], ifScores: (number | null)[]): void {
      const verdicts = cellScorer.scoreBoundary(group, ifScores);
      const alerts = alertPolicy.decide(group, verdicts);
      const byRes = new Map<number, LiveCellBoundary>();
      // A plain loop without per-row closures: it runs for every live cell of every boundary.
      for (let j = 0; j < group.length; j++) {
        const r = group[j]!;
        const v = verdicts[j]!;
        const severity = severityOf(v.score, bands);
        const top = v.drivers[0]?.feature ?? '';
        // Made only for a feature row or an alert.
        const eventId = featureRows || (severity && alerts[j]) ? `${r.resolution}:${r.cell}:${r.windowEnd}` : '';
        // A quiet row (no pickup or dropoff in the hour, nothing surprising) is scored and
        // learnt from like any other, but neither stored nor sent to the map: after a cell's
        // last trip the windows keep it live for hours, and those rows of zeros were a third of
        // all cell rows. An absent row means exactly this (see isQuietCellRow).
        const quiet = isQuietCellRow(r.values[F_P60]!, r.values[F_D60]!, v.score);
        if (!quiet) rows.cellWindows.push({
          run_id: runId,
          resolution: r.resolution,
          cell: r.cell,
          window_end: r.windowEnd,
          pickups_15m: r.values[F_P15]!,
          pickups_60m: r.values[F_P60]!,
          dropoffs_15m: r.values[F_D15]!,
          dropoffs_60m: r.values[F_D60]!,
          fare_per_mile_60m: r.values[F_FPM]!,
          speed_mph_60m: r.values[F_SPD]!,
          expected_15m: v.expected,
          if_score: ifScores[j] ?? null,
          score: v.score,
          severity: severity ?? '',
          direction: v.direction ?? '',
          top_feature: top,
          drivers: JSON.stringify(v.drivers),
          model: models.demandModel,
          scored_at: nowMs,
        });
        if (featureRows) rows.features.push({
          run_id: runId,
          domain: 'trip',
          feature_set: TRIP_CELL_FEATURE_SET,
          entity: r.cell,
          event_id: eventId,
          ts: r.windowEnd,
          names: TRIP_CELL_FEATURES,
          values: [...r.values],
          computed_at: nowMs,
        });
        if (severity && alerts[j]) {
          publish(
            {
              id: `${runId}:${eventId}`,
              runId,
              domain: 'trip',
              entity: r.cell,
              eventId,
              ts: r.windowEnd,
              score: v.score,
              severity,
              detector: cellScorer.detector,
              drivers: v.drivers,
              values: {
                resolution: r.resolution,
                pickups_15m: r.values[F_P15]!,
                pickups_60m: r.values[F_P60]!,
                ...(v.expected !== null ? { expected_15m: v.expected } : {}),
                ...(v.direction ? { surge: v.direction === 'surge' ? 1 : 0 } : {}),
              },
              emittedAt: nowMs,
            },
            top,
          );
        }
        if (quiet || !(TRIP_RESOLUTIONS as readonly number[]).includes(r.resolution)) continue;
        let b = byRes.get(r.resolution);
        if (!b) {
          b = { resolution: r.resolution as LiveCellBoundary['resolution'], windowEnd: r.windowEnd, cells: [] };
          byRes.set(r.resolution, b);
        }
        b.cells.push({ cell: r.cell, score: v.score, severity, direction: v.direction, pickups: r.values[F_P15]!, expected: v.expected, driver: top });
      }
      boundaries.push(...byRes.values());
    }
  }

  #newPipeline(): TripCellPipeline {
    return new TripCellPipeline({ allowedLatenessMs: this.opts.allowedLatenessMs });
  }
}

/**
 * A cell row with no pickup and no dropoff in its 60-minute window (so none in the 15-minute
 * one either) and a score of 0: not stored in trip_cell_windows. Its expectation and demand-model
 * score are dropped with it; a missing (resolution, cell, boundary) reads as zeros, score 0.
 */
export function isQuietCellRow(pickups60: number, dropoffs60: number, score: number): boolean {
  return pickups60 === 0 && dropoffs60 === 0 && score === 0;
}

function toTripEventRow(runId: string, it: IngestedTrip, nowMs: number): TripEventRow {
  const t = it.trip;
  return {
    run_id: runId,
    event_id: t.id,
    partition: it.partition,
    ts: t.dropoff_ts,
    pickup_ts: t.pickup_ts,
    pickup_lat: t.pickup_lat,
    pickup_lng: t.pickup_lng,
    dropoff_lat: t.dropoff_lat,
    dropoff_lng: t.dropoff_lng,
    pickup_cell_r7: it.cells.r7,
    pickup_cell_r8: it.cells.r8,
    pickup_cell_r9: it.cells.r9,
    dropoff_cell_r9: it.cells.dropoffR9,
    vendor: t.vendor,
    passenger_count: t.passenger_count,
    trip_distance: t.trip_distance,
    rate_code: t.rate_code,
    payment_type: t.payment_type,
    fare_amount: t.fare_amount,
    extra: t.extra,
    mta_tax: t.mta_tax,
    tip_amount: t.tip_amount,
    tolls_amount: t.tolls_amount,
    improvement_surcharge: t.improvement_surcharge,
    congestion_surcharge: t.congestion_surcharge,
    airport_fee: t.airport_fee,
    cbd_congestion_fee: t.cbd_congestion_fee,
    total_amount: t.total_amount,
    pickup_late: it.pickupLate ? 1 : 0,
    truth_kind: t.truth?.kind ?? '',
    truth_fault_id: t.truth?.faultId ?? '',
    stream_seq: it.seq,
    ingested_at: nowMs,
  };
}
