import type { CompactRows } from '../domain-module.ts';
import type { SensorBatchResult } from './sensor-batch.ts';

/**
 * A batch's readings with their scores as the rows of `sensor_scored_in` (store migration
 * 0006): one INSERT writes both sensor_events and scores through its materialised views. The
 * core's event and score rows are index-aligned (pushed together, rolled back together).
 */
export const SCORED_READING_COLUMNS = [
  'run_id',
  'event_id',
  'station',
  'partition',
  'ts',
  'channels',
  'late',
  'truth_kind',
  'truth_fault_id',
  'stream_seq',
  'ingested_at',
  'detector',
  'score',
  'severity',
  'top_feature',
  'drivers',
  'scored_at',
  'cluster',
  'model',
  'model_score',
  'model_raw',
] as const;

/** The rows as value arrays in SCORED_READING_COLUMNS order (what the ClickHouse writer sends). */
export function scoredReadingValues(r: SensorBatchResult): unknown[][] {
  const { events, scores } = r.rows;
  const out: unknown[][] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const s = scores[i]!;
    out[i] = [
      e.run_id,
      e.event_id,
      e.station,
      e.partition,
      e.ts,
      e.channels,
      e.late,
      e.truth_kind,
      e.truth_fault_id,
      e.stream_seq,
      e.ingested_at,
      s.detector,
      s.score,
      s.severity,
      s.top_feature,
      s.drivers,
      s.scored_at,
      s.cluster ?? -1,
      s.model ?? '',
      s.model_score ?? 0,
      s.model_raw ?? 0,
    ];
  }
  return out;
}

/** The same rows as objects (for a writer that sends JSONEachRow, e.g. a worker's). */
export function scoredReadingRows(r: SensorBatchResult): object[] {
  return scoredReadingValues(r).map((v) => Object.fromEntries(SCORED_READING_COLUMNS.map((c, i) => [c, v[i]])));
}

export const scoredReadings: CompactRows<SensorBatchResult> = { columns: SCORED_READING_COLUMNS, values: scoredReadingValues };
