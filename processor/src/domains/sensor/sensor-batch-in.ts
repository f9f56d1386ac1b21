import type { CompactRows } from '../domain-module.ts';
import type { SensorBatchResult } from './sensor-batch.ts';

/**
 * A batch's readings (with their scores), anomalies and closed windows as rows of
 * `sensor_batch_in` (store migration 0006), told apart by `kind`: one INSERT fills scores,
 * anomalies, sensor_windows and sensor_events through its materialised views. The core's event
 * and score rows are index-aligned (pushed together, rolled back together).
 */
export const SENSOR_BATCH_IN_COLUMNS = [
  'kind',
  'run_id',
  'station',
  'event_id',
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
  'emitted_at',
  'window_start',
  'window_end',
  'readings',
  'mean',
  'min',
  'max',
  'max_score',
  'closed_at',
] as const;

/** The rows as value arrays in SENSOR_BATCH_IN_COLUMNS order (null: the column's default). */
export function sensorBatchInValues(r: SensorBatchResult): unknown[][] {
  const { events, scores, anomalies, windows } = r.rows;
  const out: unknown[][] = [];
  // prettier-ignore
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const s = scores[i]!;
    out.push(['reading', e.run_id, e.station, e.event_id, e.partition, e.ts, e.channels, e.late, e.truth_kind, e.truth_fault_id, e.stream_seq, e.ingested_at,
      s.detector, s.score, s.severity, s.top_feature, s.drivers, s.scored_at, s.cluster ?? -1, s.model ?? '', s.model_score ?? 0, s.model_raw ?? 0,
      null, null, null, null, null, null, null, null, null]);
  }
  // prettier-ignore
  for (const a of anomalies) {
    out.push(['anomaly', a.run_id, a.entity, a.event_id, null, a.ts, a.values, null, null, null, null, null,
      a.detector, a.score, a.severity, a.top_feature, a.drivers, null, null, null, null, null,
      a.emitted_at, null, null, null, null, null, null, null, null]);
  }
  // prettier-ignore
  for (const w of windows) {
    out.push(['window', w.run_id, w.station, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null,
      null, w.window_start, w.window_end, w.readings, w.mean, w.min, w.max, w.max_score, w.closed_at]);
  }
  return out;
}

/** The same rows as objects without their null columns (for a writer that sends JSONEachRow, e.g. a worker's). */
export function sensorBatchInRows(r: SensorBatchResult): object[] {
  return sensorBatchInValues(r).map((v) => {
    const row: Record<string, unknown> = {};
    SENSOR_BATCH_IN_COLUMNS.forEach((c, i) => {
      if (v[i] !== null) row[c] = v[i];
    });
    return row;
  });
}

export const sensorBatchIn: CompactRows<SensorBatchResult> = { columns: SENSOR_BATCH_IN_COLUMNS, values: sensorBatchInValues };
