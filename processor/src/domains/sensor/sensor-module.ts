import { SensorReading, SOCKET_EVENTS, type LiveReading } from '../../../../contracts/index.ts';
import { TABLES } from '../../../../store/src/rows.ts';
import type { DomainModule } from '../domain-module.ts';
import type { LiveFeed } from '../../ports/sinks.ts';
import type { SensorBatchResult } from './sensor-batch.ts';
import { SENSOR_CHAIN_FEATURE_SET } from './sensor-chain-features.ts';
import { filterRowsToRange } from './filter-rows-to-range.ts';
import { scoredReadingRows, scoredReadings } from './scored-readings.ts';
import { createSensorRoutes } from './sensor-routes.ts';
import type { SensorModelOutputs } from './sensor-runtime.ts';

const SENSOR = 'sensor';

/** Gas-network stations' readings: online detectors per channel, then the ONNX model chain. */
export const sensorModule: DomainModule<SensorBatchResult, SensorModelOutputs, SensorBatchResult> = {
  name: SENSOR,
  event: SensorReading,
  description: 'gas-network station readings (pressure, flow, temperature…) scored by online detectors and an ONNX model chain',
  // Loaded on demand: the CLI's status and diff commands do not need onnxruntime.
  createRuntime: async (opts) => (await import('./sensor-runtime.ts')).createSensorRuntime(opts),
  store: {
    writes: [
      { table: TABLES.anomalies, rows: (r) => r.rows.anomalies },
      { table: TABLES.sensorWindows, rows: (r) => r.rows.windows },
      { table: TABLES.deadLetters, rows: (r) => r.rows.deadLetters },
      { table: TABLES.features, rows: (r) => r.rows.features, trainingOnly: true },
      // Last: its views fill scores, then sensor_events (what counts as processed).
      { table: TABLES.sensorScoredIn, rows: scoredReadingRows, compact: scoredReadings, fills: [TABLES.scores, TABLES.sensorEvents] },
    ],
    eventsTable: TABLES.sensorEvents,
    eventRows: (r) => r.rows.events,
    anomalyRows: (r) => r.rows.anomalies,
  },
  publishLive: (result, live) => {
    for (const reading of watchedReadings(result.records, live)) live.toEntity(SENSOR, reading.entity, SOCKET_EVENTS.reading, reading);
  },
  routes: createSensorRoutes,
  replay: {
    filterToRange: (r, from, to) => filterRowsToRange(r, from, to),
    scoredItemsQuery: (run) => `SELECT 'reading' AS item, event_id, entity, ts, score, severity, top_feature FROM scores FINAL WHERE run_id = '${run}' AND domain = '${SENSOR}'`,
  },
  // Large INSERTs, small batches: an INSERT costs ~40–75 ms of CPU whatever its size (parts,
  // ext4): ~150 µs per reading at 1 000 readings, 81–86 at 8 000
  // (docs/perf/sensor-writes-2026-12-07-evening.md). So scored batches' rows wait for each other
  // (up to 8 000 readings or 1 s) and go in one INSERT per table, while batches keep being cut
  // and scored every batchMaxMs: enough commit slots for ~3 s of them (with 16, under load,
  // batches queued for a slot and publish → scored p99 went from ~0.2 s to ~1 s). The unacked
  // window (4 partitions × 5 000) covers what waits; a reading stays unacked ~(window ÷ rate) at
  // most, 20 s at 1 000 readings/s, inside ackWaitSeconds (60).
  // Measured: docs/perf/sensor-throughput-2026-12-08.md.
  batching: { commitConcurrency: 32, maxAckPending: 5000, writeMinEvents: 8000, writeMaxWaitMs: 1000, writeLingerFromRate: 1000, maxRowsPerInsert: 20000 },
  features: {
    defaultSet: SENSOR_CHAIN_FEATURE_SET,
    // The producer's label, for evaluation only (never for fitting).
    exportJoin: (_set, run) => ({
      join: `LEFT JOIN (SELECT event_id, truth_kind FROM sensor_events FINAL WHERE run_id = '${run}') AS e ON e.event_id = f.event_id`,
      columns: ', e.truth_kind AS truth_kind',
    }),
  },
};

/** Readings of the stations some screen watches, from the batch's rows. */
function watchedReadings(r: SensorBatchResult, live: LiveFeed): LiveReading[] {
  const out: LiveReading[] = [];
  const { events, scores } = r.rows;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (!live.isWatched(SENSOR, e.station)) continue;
    const s = scores[i]!;
    out.push({
      domain: SENSOR,
      entity: e.station,
      eventId: e.event_id,
      ts: e.ts,
      values: e.channels,
      score: s.score,
      severity: (s.severity || null) as LiveReading['severity'],
      topFeature: s.top_feature,
      cluster: s.cluster !== undefined && s.cluster >= 0 ? s.cluster : null,
    });
  }
  return out;
}
