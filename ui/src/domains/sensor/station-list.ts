// The station list, refreshed every few seconds while a view shows it.
import { readable, type Readable } from 'svelte/store';
import { fetchStations, type StationApiOptions, type StationSummary } from './station-api.ts';

export interface StationListState {
  stations: readonly StationSummary[];
  /** False until the first answer (or failure). */
  loaded: boolean;
  /** Message of the last failed refresh; null once one succeeds. */
  error: string | null;
}

export interface StationListOptions {
  /** Time between two refreshes, ms. Default 5000. */
  intervalMs?: number;
  /** How the HTTP API is reached. Default: the page's `fetch`, same origin. */
  api?: Omit<StationApiOptions, 'signal'>;
  /** Runs `next` after `ms` and returns a cancel function. Default `setTimeout`. */
  delay?: (next: () => void, ms: number) => () => void;
}

const INITIAL: StationListState = { stations: [], loaded: false, error: null };

/** A store of the stations, polling while subscribed; a failed refresh keeps the last list. */
export function createStationList(options: StationListOptions = {}): Readable<StationListState> {
  const intervalMs = options.intervalMs ?? 5000;
  const delay =
    options.delay ??
    ((next, ms) => {
      const t = setTimeout(next, ms);
      return () => clearTimeout(t);
    });
  let last = INITIAL;
  return readable(last, (set) => {
    let stopped = false;
    let cancel: (() => void) | null = null;
    const controller = new AbortController();
    async function refresh() {
      try {
        const { stations } = await fetchStations({ ...options.api, signal: controller.signal });
        last = { stations, loaded: true, error: null };
      } catch (err) {
        if (stopped) return;
        last = { ...last, loaded: true, error: (err as Error).message };
      }
      if (stopped) return;
      set(last);
      cancel = delay(() => void refresh(), intervalMs);
    }
    void refresh();
    return () => {
      stopped = true;
      cancel?.();
      controller.abort();
    };
  });
}

/** The list the stations view shows. */
export const stationList: Readable<StationListState> = createStationList();
