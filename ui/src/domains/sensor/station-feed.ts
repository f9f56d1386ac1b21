// One station's live data: its recent readings from the series API, then every scored reading
// the processor pushes to the station's socket.io room, merged into a capped window that is
// turned into chart columns at most once per animation frame. Components only read the stores;
// the first subscriber opens the socket, the last one to leave closes it (which also leaves
// the station's room, so the processor stops building readings for it).
import { io } from 'socket.io-client';
import { writable, type Readable, type Writable } from 'svelte/store';
import { createConnectionSharing } from '../../lib/connection-sharing.ts';
import { z } from 'zod';
import { Anomaly, LiveReading, SOCKET_EVENTS } from '../../../../contracts/index.ts';
import type { ConnectionStatus, FeedSocket } from '../../lib/live-feed.ts';
import { fetchLatestAnomaly, fetchStationSeries, StationApiError, type SeriesPoint, type StationApiOptions } from './station-api.ts';
import { SENSOR_DOMAIN } from './name.ts';
import { buildChartData, DEFAULT_WINDOW, EMPTY_CHART_DATA, mergePoints, type StationChartData } from './station-series.ts';
import { afterDelay, createFlushRequester, nextFrame } from '../../lib/feed-timing.ts';

/** Where loading the stored readings stands. */
export type SeriesLoad =
  | { state: 'loading' }
  | { state: 'ready'; stored: number }
  /** `retrying` is false when the server refused the request itself (4xx): asking again cannot help. */
  | { state: 'error'; message: string; retrying: boolean };

/** Payloads dropped because they did not match the contract, per socket event. */
export interface StationRejectedCounts {
  reading: number;
  anomaly: number;
}

export interface StationFeedOptions {
  /** Station id, e.g. `st-001`. */
  station: string;
  /** Readings kept and drawn, newest last; older ones fall off. Default 1440. */
  windowSize?: number;
  /** Opens the socket. Default: socket.io on the page's own origin, path `/socket.io`. */
  connect?: () => FeedSocket;
  /** How the HTTP API is reached. Default: the page's `fetch`, same origin. */
  api?: Omit<StationApiOptions, 'signal'>;
  /** Batches store updates; default one per animation frame (falls back to a microtask). */
  schedule?: (flush: () => void) => void;
  /** Runs `retry` after `ms` and returns a cancel function. Default `setTimeout`. */
  delay?: (retry: () => void, ms: number) => () => void;
  /** Wait before reloading after a failed load, ms. Default 5000. */
  retryMs?: number;
  /** Where contract violations and load failures are reported. Default `console`. */
  log?: Pick<Console, 'warn'>;
}

export interface StationFeed {
  station: string;
  /** Chart columns, anomaly periods and the newest reading of the window. */
  chart: Readable<StationChartData>;
  load: Readable<SeriesLoad>;
  status: Readable<ConnectionStatus>;
  /** The station's newest anomaly with its drivers (stored, then live), null when none is known. */
  latestAnomaly: Readable<Anomaly | null>;
  rejected: Readable<StationRejectedCounts>;
}

const REJECT_LOG_FULL = 20;
const REJECT_LOG_EVERY = 1000;

export function createStationFeed(options: StationFeedOptions): StationFeed {
  const { station } = options;
  const cap = Math.max(1, options.windowSize ?? DEFAULT_WINDOW);
  const connect = options.connect ?? (() => io({ path: '/socket.io' }));
  const schedule = options.schedule ?? nextFrame;
  const delay = options.delay ?? afterDelay;
  const retryMs = options.retryMs ?? 5000;
  const log = options.log ?? console;

  const chart = writable<StationChartData>(EMPTY_CHART_DATA);
  const load = writable<SeriesLoad>({ state: 'loading' });
  const status = writable<ConnectionStatus>('disconnected');
  const latestAnomaly = writable<Anomaly | null>(null);
  const rejected = writable<StationRejectedCounts>({ reading: 0, anomaly: 0 });

  let held: SeriesPoint[] = []; // the window, oldest first
  let pending: SeriesPoint[] = [];
  let latest: Anomaly | null = null;
  let rejectedTotal = 0;
  let socket: FeedSocket | null = null;
  let abort: AbortController | null = null;
  let cancelRetry: (() => void) | null = null;
  let generation = 0; // bumps on close, so answers of a closed session are ignored

  const flushes = createFlushRequester(schedule, () => flush());

  function flush() {
    if (pending.length) {
      held = mergePoints(held, pending, cap);
      pending = [];
    }
    chart.set(buildChartData(held));
  }

  function showAnomaly(a: Anomaly) {
    if (latest && latest.ts > a.ts) return;
    latest = a;
    latestAnomaly.set(a);
  }

  function reject(kind: keyof StationRejectedCounts, error: z.ZodError, payload: unknown) {
    rejected.update((r) => ({ ...r, [kind]: r[kind] + 1 }));
    rejectedTotal++;
    if (rejectedTotal <= REJECT_LOG_FULL || rejectedTotal % REJECT_LOG_EVERY === 0) {
      log.warn(`[vigia] dropped invalid "${kind}" payload for ${station} (${rejectedTotal} so far):\n${z.prettifyError(error)}`, payload);
    }
  }

  async function loadStored() {
    cancelRetry?.();
    cancelRetry = null;
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    const gen = generation;
    const api = { ...options.api, signal: controller.signal };
    try {
      const series = await fetchStationSeries(station, cap, api);
      if (gen !== generation) return;
      // Live readings that arrived meanwhile are in `held` or `pending`; merging keeps both.
      held = mergePoints(held, series.points, cap);
      load.set({ state: 'ready', stored: series.points.length });
      flushes.request();
    } catch (err) {
      if (gen !== generation || controller.signal.aborted) return;
      const message = (err as Error).message;
      const status = err instanceof StationApiError ? err.status : 0;
      const retrying = status === 0 || status >= 500;
      log.warn(`[vigia] could not load the readings of ${station}${retrying ? `; retrying in ${retryMs / 1000}s` : ''}. ${message}`);
      load.set({ state: 'error', message, retrying });
      if (retrying) cancelRetry = delay(() => void loadStored(), retryMs);
      return;
    }
    // Only for the reason text: a failure leaves the driver named by the series alone.
    fetchLatestAnomaly(station, api).then(
      (a) => {
        if (a && gen === generation) showAnomaly(a);
      },
      (err: Error) => {
        if (gen === generation && !controller.signal.aborted) log.warn(`[vigia] could not load the latest anomaly of ${station}: ${err.message}`);
      },
    );
  }

  function open() {
    status.set('connecting');
    load.set({ state: 'loading' });
    const s = connect();
    socket = s;
    let connectedBefore = false;
    s.on('connect', () => {
      status.set('live');
      // Rooms do not survive a reconnect: join every time, and refill what was missed.
      s.emit(SOCKET_EVENTS.subscribe, { domain: SENSOR_DOMAIN, entity: station });
      if (connectedBefore) void loadStored();
      connectedBefore = true;
    });
    s.on('disconnect', () => status.set('disconnected'));
    s.on('connect_error', () => status.set('disconnected'));
    s.on(SOCKET_EVENTS.reading, (payload: unknown) => {
      const parsed = LiveReading.safeParse(payload);
      if (!parsed.success) return reject('reading', parsed.error, payload);
      const r = parsed.data;
      if (r.domain !== SENSOR_DOMAIN || r.entity !== station) return;
      pending.push({ ts: r.ts, eventId: r.eventId, values: r.values, score: r.score, severity: r.severity, topFeature: r.topFeature, cluster: r.cluster });
      // A hidden tab may not run animation frames for a long time: keep only what can be shown.
      if (pending.length > cap) pending.splice(0, pending.length - cap);
      flushes.request();
    });
    s.on(SOCKET_EVENTS.anomaly, (payload: unknown) => {
      const parsed = Anomaly.safeParse(payload);
      if (!parsed.success) return reject('anomaly', parsed.error, payload);
      if (parsed.data.domain === SENSOR_DOMAIN && parsed.data.entity === station) showAnomaly(parsed.data);
    });
    void loadStored();
  }

  function close() {
    generation++;
    flushes.cancel();
    abort?.abort();
    abort = null;
    cancelRetry?.();
    cancelRetry = null;
    socket?.disconnect();
    socket = null;
    status.set('disconnected');
  }

  const share = createConnectionSharing(open, close);

  return {
    station,
    chart: share(chart, EMPTY_CHART_DATA),
    load: share(load, { state: 'loading' }),
    status: share(status, 'disconnected'),
    latestAnomaly: share(latestAnomaly, null),
    rejected: share(rejected, { reading: 0, anomaly: 0 }),
  };
}
