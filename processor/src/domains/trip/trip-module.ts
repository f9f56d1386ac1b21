import { TRIP_SOCKET_EVENTS, TripEvent, TripResolution } from '../../../../contracts/index.ts';
import { TABLES } from '../../../../store/src/rows.ts';
import type { DomainModule } from '../domain-module.ts';
import type { TripBatchResult, TripModelOutputs, TripStage } from './trip-batch.ts';
import { filterTripRowsToRange } from './filter-trip-rows-to-range.ts';
import { createTripRoutes } from './trip-routes.ts';

const TRIP = 'trip';
/** One room per map resolution: a screen gets the cells of the resolution it shows. */
const mapRoom = (resolution: number) => `map:${TRIP}:${resolution}`;

/** NYC taxi trips: expected-fare anomalies per trip, demand anomalies per H3 cell at r7/r8/r9. */
export const tripModule: DomainModule<TripStage, TripModelOutputs, TripBatchResult> = {
  name: TRIP,
  event: TripEvent,
  description: 'taxi trips: fare anomalies per trip (ONNX expected-fare model) and demand anomalies per H3 cell and window',
  // Loaded on demand: the CLI's status and diff commands do not need onnxruntime.
  createRuntime: async (opts) => (await import('./trip-runtime.ts')).createTripRuntime(opts),
  store: {
    writes: [
      { table: TABLES.tripScores, rows: (r) => r.rows.scores },
      { table: TABLES.tripCellWindows, rows: (r) => r.rows.cellWindows },
      { table: TABLES.anomalies, rows: (r) => r.rows.anomalies },
      { table: TABLES.deadLetters, rows: (r) => r.rows.deadLetters },
      { table: TABLES.features, rows: (r) => r.rows.features, trainingOnly: true },
      { table: TABLES.tripEvents, rows: (r) => r.rows.events },
    ],
    eventsTable: TABLES.tripEvents,
    eventRows: (r) => r.rows.events,
    anomalyRows: (r) => r.rows.anomalies,
  },
  publishLive: (result, live) => {
    for (const b of result.records.boundaries) live.toRoom(mapRoom(b.resolution), TRIP_SOCKET_EVENTS.cells, b);
  },
  socketRooms: [
    {
      event: TRIP_SOCKET_EVENTS.watchMap,
      prefix: mapRoom(0).replace(/0$/, ''),
      roomOf(msg) {
        const res = TripResolution.safeParse((msg as { resolution?: unknown } | null)?.resolution);
        if (!res.success) return { error: `${TRIP_SOCKET_EVENTS.watchMap}: resolution must be one of 7, 8, 9, got ${JSON.stringify(msg)?.slice(0, 80)}` };
        return { room: mapRoom(res.data) };
      },
    },
  ],
  routes: createTripRoutes,
  replay: {
    filterToRange: (r, from, to) => filterTripRowsToRange(r, from, to),
    // Trips (fare score, entity = pickup cell) and cell windows (demand score, id = resolution:cell:window end).
    scoredItemsQuery: (run) => `
      SELECT 'trip' AS item, event_id, pickup_cell AS entity, ts, score, severity, top_feature FROM trip_scores FINAL WHERE run_id = '${run}'
      UNION ALL
      SELECT 'cell window' AS item, concat(toString(resolution), ':', cell, ':', toString(toUnixTimestamp64Milli(window_end))) AS event_id, cell AS entity, window_end AS ts, score, severity, top_feature
      FROM trip_cell_windows FINAL WHERE run_id = '${run}'`,
  },
  features: {
    // The fare set carries its training target and the label (evaluation only); cell windows
    // have no per-row label: demand episodes are judged per episode by `vigia bench trips`.
    exportJoin: (set, run) =>
      set.startsWith('trip-fare@')
        ? {
            join: `LEFT JOIN (SELECT event_id, fare_amount, truth_kind FROM trip_events FINAL WHERE run_id = '${run}') AS e ON e.event_id = f.event_id`,
            columns: ', e.fare_amount AS fare_amount, e.truth_kind AS truth_kind',
          }
        : undefined,
  },
};
