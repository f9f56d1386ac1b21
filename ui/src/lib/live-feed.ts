// A socket.io connection and the read-only stores built on it: the anomalies of the rooms it
// joins and the processor's stats. Components never touch the socket: they subscribe to these
// stores, and the first subscriber opens the connection, the last one to leave closes it. The
// page's own instance (rooms of every domain shown on the Live view) is in app-feed.ts.
import { io } from 'socket.io-client';
import { writable, type Readable, type Writable } from 'svelte/store';
import { createConnectionSharing } from './connection-sharing.ts';
import { z } from 'zod';
import { Anomaly, LiveStats, SOCKET_EVENTS, type Domain } from '../../../contracts/index.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'disconnected';

/** Payloads dropped because they did not match the contract, per socket event. */
export interface RejectedCounts {
  anomaly: number;
  stats: number;
}

/** The part of a socket.io client socket the feed uses; tests pass a fake. */
export interface FeedSocket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(): unknown;
}

/** One room to join: a whole domain, or one entity (station, cell) of it. */
export interface LiveSubscription {
  domain: Domain;
  entity?: string;
}

export interface LiveFeedOptions {
  /** Rooms joined on every (re)connect, one `subscribe` each. Default: none (stats only). */
  subscriptions?: readonly LiveSubscription[];
  /** Anomalies kept, newest first; older ones fall off. Default 200. */
  maxAnomalies?: number;
  /** Opens the socket. Default: socket.io on the page's own origin, path `/socket.io`. */
  connect?: () => FeedSocket;
  /** Batches store updates; default one per animation frame (falls back to a microtask). */
  schedule?: (flush: () => void) => void;
  /** Where contract violations are reported. Default `console`. */
  log?: Pick<Console, 'warn'>;
}

export interface LiveFeed {
  /** Latest valid anomalies, newest (by arrival) first, unique by id. */
  anomalies: Readable<readonly Anomaly[]>;
  /** Latest valid stats snapshot, null until the first arrives. */
  stats: Readable<LiveStats | null>;
  status: Readable<ConnectionStatus>;
  rejected: Readable<RejectedCounts>;
}

// Past this many, only every REJECT_LOG_EVERY-th rejection is logged, so a misbehaving server
// cannot flood the console while the count keeps telling the truth.
const REJECT_LOG_FULL = 20;
const REJECT_LOG_EVERY = 1000;

/** Builds a feed; the app uses the shared `liveFeed` below, tests build their own. */
export function createLiveFeed(options: LiveFeedOptions = {}): LiveFeed {
  const subscriptions = options.subscriptions ?? [];
  const max = options.maxAnomalies ?? 200;
  const connect = options.connect ?? (() => io({ path: '/socket.io' }));
  const schedule = options.schedule ?? defaultSchedule;
  const log = options.log ?? console;

  const anomalies = writable<readonly Anomaly[]>([]);
  const stats = writable<LiveStats | null>(null);
  const status = writable<ConnectionStatus>('disconnected');
  const rejected = writable<RejectedCounts>({ anomaly: 0, stats: 0 });

  let current: readonly Anomaly[] = [];
  let pending: Anomaly[] = []; // oldest first
  let flushScheduled = false;
  let rejectedTotal = 0;
  let socket: FeedSocket | null = null;

  function flush() {
    flushScheduled = false;
    if (!pending.length) return;
    // An id already on screen (a replay after a reconnect) is updated where it stands rather
    // than jumping to the top; this also keeps the keyed list in the view free of duplicates.
    const shownAt = new Map(current.map((a, i) => [a.id, i]));
    const kept = current.slice();
    const fresh: Anomaly[] = []; // oldest first, reversed below
    const freshAt = new Map<string, number>();
    for (const a of pending) {
      const i = shownAt.get(a.id) ?? freshAt.get(a.id);
      if (shownAt.has(a.id)) kept[i!] = a;
      else if (i !== undefined) fresh[i] = a;
      else {
        freshAt.set(a.id, fresh.length);
        fresh.push(a);
      }
    }
    pending = [];
    current = [...fresh.reverse(), ...kept].slice(0, max);
    anomalies.set(current);
  }

  function reject(kind: keyof RejectedCounts, error: z.ZodError, payload: unknown) {
    rejected.update((r) => ({ ...r, [kind]: r[kind] + 1 }));
    rejectedTotal++;
    if (rejectedTotal <= REJECT_LOG_FULL || rejectedTotal % REJECT_LOG_EVERY === 0) {
      log.warn(`[vigia] dropped invalid "${kind}" payload (${rejectedTotal} so far):\n${z.prettifyError(error)}`, payload);
    }
  }

  function open() {
    status.set('connecting');
    const s = connect();
    socket = s;
    s.on('connect', () => {
      status.set('live');
      // Rooms do not survive a reconnect (the server sees a new socket), so join every time.
      for (const { domain, entity } of subscriptions) s.emit(SOCKET_EVENTS.subscribe, entity ? { domain, entity } : { domain });
    });
    s.on('disconnect', () => status.set('disconnected'));
    s.on('connect_error', () => status.set('disconnected'));
    s.on(SOCKET_EVENTS.anomaly, (payload: unknown) => {
      const parsed = Anomaly.safeParse(payload);
      if (!parsed.success) return reject('anomaly', parsed.error, payload);
      pending.push(parsed.data);
      // A hidden tab may not run animation frames for a long time: keep only what can be shown.
      if (pending.length > max) pending.splice(0, pending.length - max);
      if (!flushScheduled) {
        flushScheduled = true;
        schedule(flush);
      }
    });
    s.on(SOCKET_EVENTS.stats, (payload: unknown) => {
      const parsed = LiveStats.safeParse(payload);
      if (!parsed.success) return reject('stats', parsed.error, payload);
      stats.set(parsed.data);
    });
  }

  function close() {
    socket?.disconnect();
    socket = null;
    status.set('disconnected');
  }

  const share = createConnectionSharing(open, close);

  return {
    anomalies: share(anomalies, current),
    stats: share(stats, null),
    status: share(status, 'disconnected'),
    rejected: share(rejected, { anomaly: 0, stats: 0 }),
  };
}

function defaultSchedule(flush: () => void) {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else queueMicrotask(flush);
}
