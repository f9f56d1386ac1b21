// The trade view's live data: the anomalous declarations (the API's newest, then every trade
// anomaly the processor pushes to the domain's room, completed from the API shortly after) and
// the top companies now (the API's window, then every micro-batch's top companies from the
// trade:companies room). One socket per view, opened by the first subscriber, closed by the last.
import { io } from 'socket.io-client';
import { writable, type Readable } from 'svelte/store';
import { z } from 'zod';
import { Anomaly, LiveTopCompanies, SOCKET_EVENTS, TRADE_SOCKET_EVENTS } from '../../../../contracts/index.ts';
import { createConnectionSharing } from '../../lib/connection-sharing.ts';
import type { ConnectionStatus, FeedSocket } from '../../lib/live-feed.ts';
import { DEFAULT_ANOMALY_ROWS, hasIncompleteRows, mergeAnomalyRows, rowFromAnomaly, rowFromApi, type TradeAnomalyRow } from './trade-anomaly-list.ts';
import { fetchTopCompanies, fetchTradeAnomalies, TradeApiError, type TradeApiOptions } from './trade-api.ts';
import { TRADE_DOMAIN } from './name.ts';
import { applyLiveTop, EMPTY_TOP_COMPANIES, fromApi, type TopCompaniesState } from './trade-top-companies.ts';
import { afterDelay } from '../../lib/feed-timing.ts';

export type TradeLoad = { state: 'loading' } | { state: 'ready' } | { state: 'error'; message: string };

export interface TradeFeedOptions {
  /** Opens the socket. Default: socket.io on the page's own origin. */
  connect?: () => FeedSocket;
  api?: Omit<TradeApiOptions, 'signal'>;
  /** Event-time window of the top companies, hours. Default 24. */
  windowHours?: number;
  /** Rows of the anomaly feed. Default 60. */
  maxRows?: number;
  /** Live rows are completed from the API at most this often, ms. Default 2000. */
  refreshMs?: number;
  /**
   * The top companies are fetched again at most this often while live batches arrive, ms: the
   * live updates keep a company's highest score since it entered the list, the API's answer is
   * the exact window. Default 10000.
   */
  topRefreshMs?: number;
  /** Wait before retrying a failed load, ms. Default 5000. */
  retryMs?: number;
  delay?: (fn: () => void, ms: number) => () => void;
  log?: Pick<Console, 'warn'>;
}

export interface TradeFeed {
  anomalies: Readable<readonly TradeAnomalyRow[]>;
  anomaliesLoad: Readable<TradeLoad>;
  top: Readable<TopCompaniesState>;
  topLoad: Readable<TradeLoad>;
  status: Readable<ConnectionStatus>;
  readonly windowHours: number;
}

export function createTradeFeed(options: TradeFeedOptions = {}): TradeFeed {
  const connect = options.connect ?? (() => io({ path: '/socket.io' }));
  const windowHours = options.windowHours ?? 24;
  const maxRows = options.maxRows ?? DEFAULT_ANOMALY_ROWS;
  const refreshMs = options.refreshMs ?? 2000;
  const retryMs = options.retryMs ?? 5000;
  const topRefreshMs = options.topRefreshMs ?? 10_000;
  const delay = options.delay ?? afterDelay;
  const log = options.log ?? console;

  const anomalies = writable<readonly TradeAnomalyRow[]>([]);
  const anomaliesLoad = writable<TradeLoad>({ state: 'loading' });
  const top = writable<TopCompaniesState>(EMPTY_TOP_COMPANIES);
  const topLoad = writable<TradeLoad>({ state: 'loading' });
  const status = writable<ConnectionStatus>('disconnected');

  let rows: readonly TradeAnomalyRow[] = [];
  let companies: TopCompaniesState = EMPTY_TOP_COMPANIES;
  let socket: FeedSocket | null = null;
  // A close bumps the generation: answers of loads started before it are dropped.
  let generation = 0;
  const timers = new Set<() => void>();
  let refreshPending = false;
  let topRefreshPending = false;

  const later = (fn: () => void, ms: number) => {
    const cancel = delay(() => {
      timers.delete(cancel);
      fn();
    }, ms);
    timers.add(cancel);
  };
  const failure = (err: unknown) => (err instanceof TradeApiError ? err.message : String(err));

  async function loadAnomalies() {
    const g = generation;
    try {
      const items = await fetchTradeAnomalies(maxRows, options.api);
      if (g !== generation) return;
      rows = mergeAnomalyRows(rows, items.map(rowFromApi), maxRows);
      anomalies.set(rows);
      anomaliesLoad.set({ state: 'ready' });
    } catch (err) {
      if (g !== generation) return;
      anomaliesLoad.set({ state: 'error', message: failure(err) });
      if (!(err instanceof TradeApiError && err.status >= 400 && err.status < 500)) later(() => void loadAnomalies(), retryMs);
    }
  }

  async function loadTop() {
    const g = generation;
    try {
      const t = await fetchTopCompanies(windowHours, 50, options.api);
      if (g !== generation) return;
      companies = fromApi(t);
      top.set(companies);
      topLoad.set({ state: 'ready' });
    } catch (err) {
      if (g !== generation) return;
      topLoad.set({ state: 'error', message: failure(err) });
      if (!(err instanceof TradeApiError && err.status >= 400 && err.status < 500)) later(() => void loadTop(), retryMs);
    }
  }

  function refreshSoon() {
    if (refreshPending) return;
    refreshPending = true;
    later(() => {
      refreshPending = false;
      if (hasIncompleteRows(rows)) void loadAnomalies();
    }, refreshMs);
  }

  function refreshTopSoon() {
    if (topRefreshPending) return;
    topRefreshPending = true;
    later(() => {
      topRefreshPending = false;
      void loadTop();
    }, topRefreshMs);
  }

  function open() {
    status.set('connecting');
    const s = connect();
    socket = s;
    s.on('connect', () => {
      status.set('live');
      // Rooms do not survive a reconnect: join every time.
      s.emit(SOCKET_EVENTS.subscribe, { domain: TRADE_DOMAIN });
      s.emit(TRADE_SOCKET_EVENTS.watchCompanies, {});
    });
    s.on('disconnect', () => status.set('disconnected'));
    s.on('connect_error', () => status.set('disconnected'));
    s.on(SOCKET_EVENTS.anomaly, (payload: unknown) => {
      const parsed = Anomaly.safeParse(payload);
      if (!parsed.success) return log.warn(`[vigia] dropped invalid trade anomaly:\n${z.prettifyError(parsed.error)}`);
      const a = parsed.data;
      if (a.domain !== TRADE_DOMAIN) return;
      rows = mergeAnomalyRows(rows, [rowFromAnomaly(a)], maxRows);
      anomalies.set(rows);
      refreshSoon();
    });
    s.on(TRADE_SOCKET_EVENTS.topCompanies, (payload: unknown) => {
      const parsed = LiveTopCompanies.safeParse(payload);
      if (!parsed.success) return log.warn(`[vigia] dropped invalid trade top companies:\n${z.prettifyError(parsed.error)}`);
      companies = applyLiveTop(companies, parsed.data, windowHours * 3_600_000);
      top.set(companies);
      refreshTopSoon();
    });
    void loadAnomalies();
    void loadTop();
  }

  function close() {
    generation++;
    for (const cancel of timers) cancel();
    timers.clear();
    refreshPending = false;
    topRefreshPending = false;
    socket?.disconnect();
    socket = null;
    status.set('disconnected');
  }

  const share = createConnectionSharing(open, close);
  return {
    anomalies: share(anomalies, rows),
    anomaliesLoad: share(anomaliesLoad, { state: 'loading' }),
    top: share(top, companies),
    topLoad: share(topLoad, { state: 'loading' }),
    status: share(status, 'disconnected'),
    windowHours,
  };
}
