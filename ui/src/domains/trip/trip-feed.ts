// The trip view's live data: the scored cells of the resolution on the map (the latest boundary
// from the HTTP API, then every boundary the processor pushes to that resolution's socket.io
// room) and the fare-anomaly list (the API's newest rows, then live fare anomalies). One socket
// per view, opened by the first subscriber and closed by the last, like the station feed.
import { io } from 'socket.io-client';
import { writable, type Readable } from 'svelte/store';
import { z } from 'zod';
import { Anomaly, LiveCellBoundary, SOCKET_EVENTS, TRIP_SOCKET_EVENTS, type TripResolution } from '../../../../contracts/index.ts';
import { createConnectionSharing } from '../../lib/connection-sharing.ts';
import { DEFAULT_FARE_ROWS, fareRowFromAnomaly, fareRowFromApi, hasLiveOnlyRows, isFareAnomaly, mergeFareRows, type FareRow } from './fare-list.ts';
import type { ConnectionStatus, FeedSocket } from '../../lib/live-feed.ts';
import { TRIP_DOMAIN } from './name.ts';
import { fetchFareAnomalies, fetchTripCells, TripApiError, type TripApiOptions } from './trip-api.ts';
import { applyBoundary, type BoundariesByResolution, type HeldBoundary } from './trip-map-state.ts';
import { afterDelay, createFlushRequester, nextFrame } from '../../lib/feed-timing.ts';

/** Where an HTTP load stands. `empty`: the processor has scored nothing of this resolution yet. */
export type TripLoad =
  | { state: 'loading' }
  | { state: 'ready' }
  | { state: 'empty' }
  /** `retrying` is false when the server refused the request itself (4xx): asking again cannot help. */
  | { state: 'error'; message: string; retrying: boolean };

export interface TripRejectedCounts {
  cells: number;
  anomaly: number;
}

export interface TripFeedOptions {
  /** Resolution shown first. Default 8. */
  resolution?: TripResolution;
  /** Rows of the fare list. Default 100. */
  maxFares?: number;
  /** Opens the socket. Default: socket.io on the page's own origin, path `/socket.io`. */
  connect?: () => FeedSocket;
  /** How the HTTP API is reached. Default: the page's `fetch`, same origin. */
  api?: Omit<TripApiOptions, 'signal'>;
  /** Batches store updates; default one per animation frame (falls back to a microtask). */
  schedule?: (flush: () => void) => void;
  /** Runs `fn` after `ms` and returns a cancel function. Default `setTimeout`. */
  delay?: (fn: () => void, ms: number) => () => void;
  /** Wait before retrying a failed load, ms. Default 5000. */
  retryMs?: number;
  /** Live fare anomalies lacking fields are completed from the API at most this often, ms. Default 3000. */
  fareRefreshMs?: number;
  /** Where contract violations and load failures are reported. Default `console`. */
  log?: Pick<Console, 'warn'>;
}

export interface TripFeed {
  resolution: Readable<TripResolution>;
  /** Shows another resolution: joins its room and loads its latest boundary. */
  setResolution(resolution: TripResolution): void;
  /** The latest boundary of the shown resolution, null until one is known. */
  boundary: Readable<HeldBoundary | null>;
  cellsLoad: Readable<TripLoad>;
  /** Fare anomalies, newest first, one per trip. */
  fares: Readable<readonly FareRow[]>;
  faresLoad: Readable<TripLoad>;
  status: Readable<ConnectionStatus>;
  rejected: Readable<TripRejectedCounts>;
  /** Every valid boundary as it arrives (any resolution); returns the unsubscribe function. */
  onCells(listener: (b: LiveCellBoundary) => void): () => void;
  /** Every valid trip anomaly as it arrives; returns the unsubscribe function. */
  onAnomaly(listener: (a: Anomaly) => void): () => void;
}

const REJECT_LOG_FULL = 20;
const REJECT_LOG_EVERY = 1000;

export function createTripFeed(options: TripFeedOptions = {}): TripFeed {
  const connect = options.connect ?? (() => io({ path: '/socket.io' }));
  const schedule = options.schedule ?? nextFrame;
  const delay = options.delay ?? afterDelay;
  const retryMs = options.retryMs ?? 5000;
  const fareRefreshMs = options.fareRefreshMs ?? 3000;
  const maxFares = Math.max(1, options.maxFares ?? DEFAULT_FARE_ROWS);
  const log = options.log ?? console;

  let shown: TripResolution = options.resolution ?? 8;
  const resolution = writable<TripResolution>(shown);
  const boundary = writable<HeldBoundary | null>(null);
  const cellsLoad = writable<TripLoad>({ state: 'loading' });
  const fares = writable<readonly FareRow[]>([]);
  const faresLoad = writable<TripLoad>({ state: 'loading' });
  const status = writable<ConnectionStatus>('disconnected');
  const rejected = writable<TripRejectedCounts>({ cells: 0, anomaly: 0 });

  const cellListeners = new Set<(b: LiveCellBoundary) => void>();
  const anomalyListeners = new Set<(a: Anomaly) => void>();

  let held: BoundariesByResolution = {};
  let pendingBoundaries: LiveCellBoundary[] = [];
  let fareRows: readonly FareRow[] = [];
  let pendingFares: FareRow[] = [];
  let rejectedTotal = 0;
  let socket: FeedSocket | null = null;
  let connected = false;
  let generation = 0; // bumps on close, so answers of a closed session are ignored
  let cellsAbort: AbortController | null = null;
  let cancelCellsRetry: (() => void) | null = null;
  let faresAbort: AbortController | null = null;
  let cancelFaresTimer: (() => void) | null = null;
  let faresInFlight = false;
  let faresRefused = false; // the API refused (4xx): live rows stay as they are until a reconnect

  const flushes = createFlushRequester(schedule, () => flush());

  function flush() {
    if (pendingBoundaries.length) {
      const before = held[shown];
      for (const b of pendingBoundaries) held = applyBoundary(held, b);
      pendingBoundaries = [];
      publishShown(before);
    }
    if (pendingFares.length) {
      const merged = mergeFareRows(fareRows, pendingFares, maxFares);
      pendingFares = [];
      if (merged !== fareRows) {
        fareRows = merged;
        fares.set(fareRows);
      }
    }
  }

  /** Publishes the shown resolution's boundary when it is not `before`. */
  function publishShown(before: HeldBoundary | undefined) {
    const now = held[shown];
    if (now === before) return;
    boundary.set(now ?? null);
    if (now) cellsLoad.update((l) => (l.state === 'ready' ? l : { state: 'ready' }));
  }

  function reject(kind: keyof TripRejectedCounts, error: z.ZodError, payload: unknown) {
    rejected.update((r) => ({ ...r, [kind]: r[kind] + 1 }));
    rejectedTotal++;
    if (rejectedTotal <= REJECT_LOG_FULL || rejectedTotal % REJECT_LOG_EVERY === 0) {
      log.warn(`[vigia] dropped invalid "${kind}" trip payload (${rejectedTotal} so far):\n${z.prettifyError(error)}`, payload);
    }
  }

  const failure = (err: unknown) => {
    const message = (err as Error).message;
    const code = err instanceof TripApiError ? err.status : 0;
    return { message, retrying: code === 0 || code >= 500 };
  };

  async function loadCells() {
    cancelCellsRetry?.();
    cancelCellsRetry = null;
    cellsAbort?.abort();
    const controller = new AbortController();
    cellsAbort = controller;
    const gen = generation;
    const res = shown;
    try {
      const b = await fetchTripCells(res, { ...options.api, signal: controller.signal });
      if (gen !== generation || res !== shown) return;
      if (b) {
        const before = held[shown];
        held = applyBoundary(held, b);
        publishShown(before);
      }
      cellsLoad.set(held[shown] ? { state: 'ready' } : { state: 'empty' });
    } catch (err) {
      if (gen !== generation || controller.signal.aborted || res !== shown) return;
      const { message, retrying } = failure(err);
      log.warn(`[vigia] could not load the scored cells of resolution ${res}${retrying ? `; retrying in ${retryMs / 1000}s` : ''}. ${message}`);
      cellsLoad.set({ state: 'error', message, retrying });
      if (retrying) cancelCellsRetry = delay(() => void loadCells(), retryMs);
    }
  }

  async function loadFares() {
    cancelFaresTimer?.();
    cancelFaresTimer = null;
    faresAbort?.abort();
    const controller = new AbortController();
    faresAbort = controller;
    const gen = generation;
    faresInFlight = true;
    try {
      const rows = await fetchFareAnomalies(maxFares, { ...options.api, signal: controller.signal });
      if (gen !== generation) return;
      faresInFlight = false;
      faresRefused = false;
      pendingFares.push(...rows.map(fareRowFromApi));
      flush();
      faresLoad.set({ state: 'ready' });
    } catch (err) {
      if (gen !== generation || controller.signal.aborted) return;
      faresInFlight = false;
      const { message, retrying } = failure(err);
      log.warn(`[vigia] could not load the fare anomalies${retrying ? `; retrying in ${retryMs / 1000}s` : ''}. ${message}`);
      faresLoad.set({ state: 'error', message, retrying });
      faresRefused = !retrying;
      if (retrying) cancelFaresTimer = delay(() => void loadFares(), retryMs);
    }
  }

  /** Asks the API again soon, once, so live rows get the fields only it has. */
  function refreshFaresSoon() {
    if (cancelFaresTimer || faresInFlight || faresRefused) return;
    const gen = generation;
    cancelFaresTimer = delay(() => {
      cancelFaresTimer = null;
      if (gen === generation) void loadFares();
    }, fareRefreshMs);
  }

  function watch(s: FeedSocket) {
    s.emit(TRIP_SOCKET_EVENTS.watchMap, { resolution: shown });
  }

  function open() {
    status.set('connecting');
    cellsLoad.set(held[shown] ? { state: 'ready' } : { state: 'loading' });
    faresLoad.set({ state: 'loading' });
    const s = connect();
    socket = s;
    let connectedBefore = false;
    s.on('connect', () => {
      connected = true;
      status.set('live');
      // Rooms do not survive a reconnect: join every time, and refill what was missed.
      s.emit(SOCKET_EVENTS.subscribe, { domain: TRIP_DOMAIN });
      watch(s);
      if (connectedBefore) {
        void loadCells();
        void loadFares();
      }
      connectedBefore = true;
    });
    s.on('disconnect', () => {
      connected = false;
      status.set('disconnected');
    });
    s.on('connect_error', () => status.set('disconnected'));
    s.on(TRIP_SOCKET_EVENTS.cells, (payload: unknown) => {
      const parsed = LiveCellBoundary.safeParse(payload);
      if (!parsed.success) return reject('cells', parsed.error, payload);
      for (const l of cellListeners) l(parsed.data);
      // A hidden tab may not run animation frames for a long time: a newer boundary of a
      // resolution makes the older pending ones useless.
      pendingBoundaries = pendingBoundaries.filter((b) => b.resolution !== parsed.data.resolution || b.windowEnd > parsed.data.windowEnd);
      pendingBoundaries.push(parsed.data);
      flushes.request();
    });
    s.on(SOCKET_EVENTS.anomaly, (payload: unknown) => {
      const parsed = Anomaly.safeParse(payload);
      if (!parsed.success) return reject('anomaly', parsed.error, payload);
      const a = parsed.data;
      if (a.domain !== TRIP_DOMAIN) return;
      for (const l of anomalyListeners) l(a);
      if (!isFareAnomaly(a)) return;
      const row = fareRowFromAnomaly(a);
      if (row) {
        pendingFares.push(row);
        if (pendingFares.length > maxFares) pendingFares.splice(0, pendingFares.length - maxFares);
        flushes.request();
      }
      if (!row || hasLiveOnlyRows([row])) refreshFaresSoon();
    });
    void loadCells();
    void loadFares();
  }

  function close() {
    generation++;
    flushes.cancel();
    pendingBoundaries = [];
    pendingFares = [];
    for (const c of [cellsAbort, faresAbort]) c?.abort();
    cellsAbort = faresAbort = null;
    cancelCellsRetry?.();
    cancelFaresTimer?.();
    cancelCellsRetry = cancelFaresTimer = null;
    faresInFlight = false;
    faresRefused = false;
    socket?.disconnect();
    socket = null;
    connected = false;
    status.set('disconnected');
  }

  function setResolution(r: TripResolution) {
    if (r === shown) return;
    shown = r;
    resolution.set(r);
    boundary.set(held[r] ?? null);
    cellsLoad.set({ state: 'loading' });
    if (!socket) return; // not open: the first subscriber loads it
    if (connected) watch(socket);
    void loadCells();
  }

  const share = createConnectionSharing(open, close);

  return {
    resolution: share(resolution, shown),
    setResolution,
    boundary: share(boundary, null),
    cellsLoad: share(cellsLoad, { state: 'loading' }),
    fares: share(fares, []),
    faresLoad: share(faresLoad, { state: 'loading' }),
    status: share(status, 'disconnected'),
    rejected: share(rejected, { cells: 0, anomaly: 0 }),
    onCells(listener) {
      cellListeners.add(listener);
      return () => cellListeners.delete(listener);
    },
    onAnomaly(listener) {
      anomalyListeners.add(listener);
      return () => anomalyListeners.delete(listener);
    },
  };
}
