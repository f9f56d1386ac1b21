/**
 * Alerting discipline for demand: per-boundary cell verdicts → anomaly episodes per
 * (resolution, cell), with hysteresis, so an operator gets one alert when a cell goes
 * anomalous and one when it recovers, not one every 5 minutes. The per-window scores are
 * stored as they are; only the alerts are debounced.
 *
 *   open:  `confirm` consecutive boundaries scoring ≥ `openAt` in the same direction;
 *   close: `closeAfter` consecutive boundaries scoring < `closeBelow` (or without a row: the
 *          cell went quiet), or the opposite direction opening (a new episode then);
 *   while open, a higher score raises the episode's peak (an update, not a new alert).
 *
 * Only `resolutions` alert (default all three; see the README of the trip domain for the
 * measured precision per resolution). Deterministic: episodes are processed in row order and
 * open episodes visited in cell order.
 */
import type { AnomalyDriver } from '../../../../contracts/index.ts';
import { checkOption } from '../../core/component.ts';
import type { CellVerdict, DemandDirection } from './cell-demand-scorer.ts';

export interface CellAlertOptions {
  /** Score that opens an alert (the minor band). @default 70 */
  openAt: number;
  /** An open alert counts a boundary as calm below this score. @default 50 */
  closeBelow: number;
  /** Calm boundaries in a row that close an alert. @default 3 */
  closeAfter: number;
  /** Alarming boundaries in a row that open an alert. @default 1 */
  confirm: number;
  /** Resolutions that alert. @default [7, 8, 9] */
  resolutions: number[];
}

export const DEFAULT_CELL_ALERTS: Readonly<CellAlertOptions> = Object.freeze({ openAt: 70, closeBelow: 50, closeAfter: 3, confirm: 1, resolutions: [7, 8, 9] });

export interface CellAlertEpisode {
  /** `<resolution>:<cell>:<start>`: stable, so a replay yields the same ids. */
  id: string;
  resolution: number;
  cell: string;
  direction: DemandDirection;
  /** Window end of the boundary that raised the alert, epoch ms. */
  start: number;
  /** Window end of the first alarming boundary of the confirming run, epoch ms. */
  firstAlarmAt: number;
  /** Window end of the last alarming boundary; null while open. */
  end: number | null;
  peakScore: number;
  peakAt: number;
  /** Drivers at the peak. */
  drivers: AnomalyDriver[];
  observed: number;
  expected: number | null;
}

export interface CellAlertEvent {
  type: 'open' | 'peak' | 'close';
  episode: CellAlertEpisode;
}

export interface CellAlertInput {
  resolution: number;
  cell: string;
  windowEnd: number;
  verdict: CellVerdict;
}

interface Track {
  episode: CellAlertEpisode | null;
  /** Pending run before opening. */
  runDirection: DemandDirection | null;
  runLength: number;
  runStart: number;
  calm: number;
  lastAlarmAt: number;
}

export class CellAlertEpisodes {
  readonly options: CellAlertOptions;
  readonly #tracks = new Map<string, Track>();

  constructor(opts: Partial<CellAlertOptions> = {}) {
    const o = { ...DEFAULT_CELL_ALERTS, ...opts };
    checkOption('cellAlerts', 'openAt', o.openAt, 0, 100, false);
    checkOption('cellAlerts', 'closeBelow', o.closeBelow, 0, o.openAt);
    checkOption('cellAlerts', 'closeAfter', o.closeAfter, 1, 1e6);
    checkOption('cellAlerts', 'confirm', o.confirm, 1, 1e6);
    this.options = o;
  }

  /** Episodes open now. */
  open(): CellAlertEpisode[] {
    return [...this.#tracks.values()].flatMap((t) => (t.episode ? [t.episode] : []));
  }

  /** Feed the rows of one boundary (all with the same windowEnd); returns the alert events. */
  update(items: readonly CellAlertInput[]): CellAlertEvent[] {
    const o = this.options;
    const events: CellAlertEvent[] = [];
    if (items.length === 0) return events;
    const end = items[0]!.windowEnd;
    const seen = new Set<string>();
    for (const it of items) {
      if (!o.resolutions.includes(it.resolution)) continue;
      const key = `${it.resolution}:${it.cell}`;
      seen.add(key);
      const v = it.verdict;
      let t = this.#tracks.get(key);
      const alarming = v.score >= o.openAt && v.direction !== null;
      if (!t) {
        if (!alarming) continue;
        t = { episode: null, runDirection: null, runLength: 0, runStart: 0, calm: 0, lastAlarmAt: 0 };
        this.#tracks.set(key, t);
      }
      if (t.episode) {
        const ep = t.episode;
        if (alarming && v.direction !== ep.direction) {
          events.push(this.#close(t, key));
          t = { episode: null, runDirection: null, runLength: 0, runStart: 0, calm: 0, lastAlarmAt: 0 };
          this.#tracks.set(key, t);
        } else if (alarming) {
          t.calm = 0;
          t.lastAlarmAt = end;
          if (v.score > ep.peakScore) {
            ep.peakScore = v.score;
            ep.peakAt = end;
            ep.drivers = v.drivers;
            ep.observed = v.observed;
            ep.expected = v.expected;
            events.push({ type: 'peak', episode: ep });
          }
          continue;
        } else {
          if (v.score < o.closeBelow) t.calm++;
          else t.calm = 0;
          if (t.calm >= o.closeAfter) events.push(this.#close(t, key));
          continue;
        }
      }
      // No episode open: count the confirming run.
      if (!alarming) {
        this.#tracks.delete(key);
        continue;
      }
      if (t.runDirection === v.direction) t.runLength++;
      else {
        t.runDirection = v.direction;
        t.runLength = 1;
        t.runStart = end;
      }
      if (t.runLength >= o.confirm) {
        const ep: CellAlertEpisode = {
          id: `${key}:${end}`,
          resolution: it.resolution,
          cell: it.cell,
          direction: v.direction!,
          start: end,
          firstAlarmAt: t.runStart,
          end: null,
          peakScore: v.score,
          peakAt: end,
          drivers: v.drivers,
          observed: v.observed,
          expected: v.expected,
        };
        t.episode = ep;
        t.calm = 0;
        t.lastAlarmAt = end;
        t.runDirection = null;
        t.runLength = 0;
        events.push({ type: 'open', episode: ep });
      }
    }
    // Tracked cells without a row this boundary went quiet: calm for an open episode, and a
    // pending run is broken.
    for (const key of [...this.#tracks.keys()].sort()) {
      if (seen.has(key)) continue;
      const t = this.#tracks.get(key)!;
      if (!t.episode) {
        this.#tracks.delete(key);
        continue;
      }
      if (++t.calm >= o.closeAfter) events.push(this.#close(t, key));
    }
    return events;
  }

  /** Close every open episode (end of a bounded run). */
  flush(): CellAlertEvent[] {
    const events: CellAlertEvent[] = [];
    for (const key of [...this.#tracks.keys()].sort()) {
      const t = this.#tracks.get(key)!;
      if (t.episode) events.push(this.#close(t, key));
    }
    return events;
  }

  #close(t: Track, key: string): CellAlertEvent {
    const ep = t.episode!;
    ep.end = t.lastAlarmAt;
    t.episode = null;
    this.#tracks.delete(key);
    return { type: 'close', episode: ep };
  }

  captureState(): CellAlertState {
    const tracks = [...this.#tracks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([key, t]) => ({ key, ...t, episode: t.episode ? { ...t.episode } : null }));
    return { format: 'vigia.cell-alert-state', version: 1, tracks };
  }

  restoreState(s: unknown): void {
    const st = s as Partial<CellAlertState> | null;
    if (!st || st.format !== 'vigia.cell-alert-state' || st.version !== 1 || !Array.isArray(st.tracks)) throw new RangeError('not a vigia.cell-alert-state v1 snapshot');
    this.#tracks.clear();
    for (const { key, ...t } of st.tracks) this.#tracks.set(key, { ...t, episode: t.episode ? { ...t.episode } : null });
  }
}

export interface CellAlertState {
  format: 'vigia.cell-alert-state';
  version: 1;
  tracks: (Track & { key: string })[];
}
