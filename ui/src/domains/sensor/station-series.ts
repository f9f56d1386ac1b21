// A station's window of scored readings and the column arrays its charts draw. Pure: the feed
// calls these once per animation frame, the charts only hand the arrays to uPlot.
import { findAnomalyPeriods, type AnomalyPeriod } from '../../lib/anomaly-periods.ts';
import { CHANNEL_DISPLAY } from '../../lib/format.ts';
import type { SeriesPoint } from './station-api.ts';

/** Readings a station view keeps by default: one simulated day at one reading a minute. */
export const DEFAULT_WINDOW = 1440;

/**
 * `current` plus `incoming`, oldest first, unique by event id (a later copy replaces an earlier
 * one), keeping the newest `cap`. Appending newer readings, the common case, costs no sort.
 */
export function mergePoints(current: readonly SeriesPoint[], incoming: readonly SeriesPoint[], cap: number): SeriesPoint[] {
  if (!incoming.length) return current.length > cap ? current.slice(-cap) : current.slice();
  if (appendsInOrder(current, incoming)) {
    const all = current.concat(incoming);
    return all.length > cap ? all.slice(-cap) : all;
  }
  const byId = new Map<string, SeriesPoint>();
  for (const p of current) byId.set(p.eventId, p);
  for (const p of incoming) byId.set(p.eventId, p);
  const all = [...byId.values()].sort((a, b) => a.ts - b.ts || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  return all.length > cap ? all.slice(-cap) : all;
}

// Strictly newer than everything held, and strictly increasing: no duplicate is possible.
function appendsInOrder(current: readonly SeriesPoint[], incoming: readonly SeriesPoint[]): boolean {
  let last = current.length ? current[current.length - 1]!.ts : -Infinity;
  for (const p of incoming) {
    if (!(p.ts > last)) return false;
    last = p.ts;
  }
  return true;
}

/** Channel names in display order: known channels first (as in `CHANNEL_DISPLAY`), then A–Z. */
export function orderChannels(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = Object.keys(CHANNEL_DISPLAY).filter((n) => set.has(n));
  const rest = [...set].filter((n) => !(n in CHANNEL_DISPLAY)).sort();
  return [...known, ...rest];
}

/** Everything a station view draws, rebuilt from the window once per frame. */
export interface StationChartData {
  /** Channels seen in the window, in display order. */
  channels: string[];
  /** Event times, epoch ms, ascending: the shared x column of every chart. */
  xs: number[];
  /** Per channel, its value at each x; null where that reading lacks the channel (a gap). */
  values: Record<string, Array<number | null>>;
  /** Score (0–100) at each x. */
  scores: number[];
  periods: AnomalyPeriod[];
  /** The newest reading, null while the window is empty. */
  latest: SeriesPoint | null;
}

export const EMPTY_CHART_DATA: StationChartData = { channels: [], xs: [], values: {}, scores: [], periods: [], latest: null };

/** Column arrays and anomaly periods of a window (oldest first). */
export function buildChartData(points: readonly SeriesPoint[]): StationChartData {
  const names = new Set<string>();
  for (const p of points) for (const name in p.values) names.add(name);
  const channels = orderChannels(names);
  const xs = new Array<number>(points.length);
  const scores = new Array<number>(points.length);
  const values: Record<string, Array<number | null>> = {};
  for (const c of channels) values[c] = new Array<number | null>(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    xs[i] = p.ts;
    scores[i] = p.score;
    for (const c of channels) values[c]![i] = p.values[c] ?? null;
  }
  return { channels, xs, values, scores, periods: findAnomalyPeriods(points), latest: points[points.length - 1] ?? null };
}
