// The selected cell's panel data: its recent series and demand anomalies from the HTTP API,
// kept current from the trip feed (each boundary adds a point, each demand anomaly of the cell
// joins the list). Loading starts with the first subscriber and stops with the last, so the
// panel component that shows one cell owns one of these for its life.
import { getResolution } from 'h3-js';
import { writable, type Readable } from 'svelte/store';
import type { Anomaly, LiveCellBoundary } from '../../../../contracts/index.ts';
import { fromSeriesPoint, mergeCellSeries, pointFromBoundary, type CellChartPoint } from './cell-series.ts';
import { createConnectionSharing } from '../../lib/connection-sharing.ts';
import { isDemandAnomaly } from './fare-list.ts';
import { DEFAULT_SERIES_HOURS, fetchCellAnomalies, fetchCellSeries, TripApiError, type TripApiOptions } from './trip-api.ts';
import type { TripFeed, TripLoad } from './trip-feed.ts';

export interface CellDetailOptions {
  cell: string;
  /** Where live boundaries and anomalies come from. */
  feed: Pick<TripFeed, 'onCells' | 'onAnomaly'>;
  /** Hours of series shown. Default 6. */
  hours?: number;
  /** Anomalies listed, newest first. Default 50. */
  anomalyLimit?: number;
  api?: Omit<TripApiOptions, 'signal'>;
  /** Runs `fn` after `ms` and returns a cancel function. Default `setTimeout`. */
  delay?: (fn: () => void, ms: number) => () => void;
  /** Wait before retrying a failed load, ms. Default 5000. */
  retryMs?: number;
  log?: Pick<Console, 'warn'>;
}

export interface CellDetail {
  cell: string;
  resolution: number;
  /** Ascending window end, at most `hours` back from the newest point. */
  series: Readable<readonly CellChartPoint[]>;
  seriesLoad: Readable<TripLoad>;
  /** Newest first, unique by id. */
  anomalies: Readable<readonly Anomaly[]>;
  anomaliesLoad: Readable<TripLoad>;
}

/** `current` and `incoming` newest first by event time, unique by id (the later copy wins), at most `max`. */
export function mergeAnomalies(current: readonly Anomaly[], incoming: readonly Anomaly[], max: number): readonly Anomaly[] {
  if (!incoming.length) return current;
  const byId = new Map<string, Anomaly>();
  for (const a of current) byId.set(a.id, a);
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, Math.max(0, max));
}

export function createCellDetail(options: CellDetailOptions): CellDetail {
  const { cell, feed } = options;
  const resolution = getResolution(cell);
  const hours = options.hours ?? DEFAULT_SERIES_HOURS;
  const spanMs = hours * 3_600_000;
  const limit = options.anomalyLimit ?? 50;
  const delay = options.delay ?? ((fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  });
  const retryMs = options.retryMs ?? 5000;
  const log = options.log ?? console;

  const series = writable<readonly CellChartPoint[]>([]);
  const seriesLoad = writable<TripLoad>({ state: 'loading' });
  const anomalies = writable<readonly Anomaly[]>([]);
  const anomaliesLoad = writable<TripLoad>({ state: 'loading' });

  let points: readonly CellChartPoint[] = [];
  let listed: readonly Anomaly[] = [];
  let abort: AbortController | null = null;
  const cancels = new Set<() => void>();
  let generation = 0;

  function addPoints(incoming: readonly CellChartPoint[]) {
    const next = mergeCellSeries(points, incoming, spanMs);
    if (next === points) return;
    points = next;
    series.set(points);
  }

  function addAnomalies(incoming: readonly Anomaly[]) {
    const next = mergeAnomalies(listed, incoming, limit);
    if (next === listed) return;
    listed = next;
    anomalies.set(listed);
  }

  /** Runs `load` until it succeeds or the server refuses it (4xx), reporting into `state`. */
  async function attempt(what: string, state: typeof seriesLoad, load: (api: TripApiOptions) => Promise<void>) {
    const gen = generation;
    try {
      await load({ ...options.api, signal: abort!.signal });
      if (gen === generation) state.set({ state: 'ready' });
    } catch (err) {
      if (gen !== generation || abort?.signal.aborted) return;
      const message = (err as Error).message;
      const status = err instanceof TripApiError ? err.status : 0;
      const retrying = status === 0 || status >= 500;
      log.warn(`[vigia] could not load the ${what} of cell ${cell}${retrying ? `; retrying in ${retryMs / 1000}s` : ''}. ${message}`);
      state.set({ state: 'error', message, retrying });
      if (retrying) {
        const cancel = delay(() => {
          cancels.delete(cancel);
          if (gen === generation) void attempt(what, state, load);
        }, retryMs);
        cancels.add(cancel);
      }
    }
  }

  let unsubscribe: Array<() => void> = [];

  function open() {
    abort = new AbortController();
    seriesLoad.set({ state: 'loading' });
    anomaliesLoad.set({ state: 'loading' });
    unsubscribe = [
      feed.onCells((b: LiveCellBoundary) => {
        if (b.resolution !== resolution) return;
        const p = pointFromBoundary(b, cell);
        if (p) addPoints([p]);
      }),
      feed.onAnomaly((a) => {
        if (isDemandAnomaly(a) && a.entity === cell) addAnomalies([a]);
      }),
    ];
    void attempt('series', seriesLoad, async (api) => {
      const s = await fetchCellSeries(cell, hours, api);
      addPoints(s.points.map(fromSeriesPoint));
    });
    void attempt('anomalies', anomaliesLoad, async (api) => addAnomalies(await fetchCellAnomalies(cell, limit, api)));
  }

  function close() {
    generation++;
    abort?.abort();
    abort = null;
    for (const cancel of cancels) cancel();
    cancels.clear();
    for (const u of unsubscribe) u();
    unsubscribe = [];
  }

  const share = createConnectionSharing(open, close);
  return {
    cell,
    resolution,
    series: share(series, []),
    seriesLoad: share(seriesLoad, { state: 'loading' }),
    anomalies: share(anomalies, []),
    anomaliesLoad: share(anomaliesLoad, { state: 'loading' }),
  };
}
