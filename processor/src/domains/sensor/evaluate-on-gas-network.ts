// Offline evaluation of the online sensor detector on the simulated gas network, whose readings
// carry ground-truth fault labels (the detector never sees them).
//
//   node --import tsx processor/src/domains/sensor/evaluate-on-gas-network.ts [--stations 16] [--days 14]
//        [--seeds 1,2,3] [--fault-rate 1] [--threshold 70] [--json]
//
// Per fault kind: episodes, episodes detected (some reading of the episode, or one of the
// `graceTicks` readings after it, scores ≥ threshold), recall, median and p90 delay in ticks
// from the episode's first reading to the first such score; plus false alarms: readings scoring
// ≥ threshold outside episodes and their grace windows, per station-day (also as alarm runs:
// consecutive flagged readings counted once).

import { pathToFileURL } from 'node:url';
import { createGasNetwork } from '../../../../producers/src/sensor/gas-network.ts';
import { createSensorDetector, type SensorDetectorOptions } from './detectors/sensor-detector.ts';

export interface EvaluationOptions {
  /** Stations per network; default 16. */
  stations: number;
  /** Simulated days per seed; default 14. */
  days: number;
  /** One network per seed; default [1, 2, 3]. */
  seeds: number[];
  /** Injected faults per station per day; default 1. */
  faultRate: number;
  /** Score counted as an alarm; default 70 (the `minor` band). */
  threshold: number;
  /** Readings after an episode that still count as detecting it; default 10. */
  graceTicks: number;
  /** Simulated time between readings, ms; default 60 000. */
  stepMs: number;
  /** Detector options under evaluation. */
  detector: SensorDetectorOptions;
}

export interface KindFigures {
  episodes: number;
  detected: number;
  recall: number;
  medianDelayTicks: number | null;
  p90DelayTicks: number | null;
  /** Detected episodes by the channel the fault targeted (`joint` for leaks). */
  byChannel: Record<string, { episodes: number; detected: number }>;
}

export interface EvaluationFigures {
  stationDays: number;
  readings: number;
  kinds: Record<string, KindFigures>;
  falseAlarmReadingsPerStationDay: number;
  falseAlarmRunsPerStationDay: number;
  /**
   * The part of the false-alarm readings in the first 15 minutes after midnight UTC, where the
   * simulator's weekday/weekend demand factor steps (a real, coherent, weekly-seasonal change
   * that a detector with less than a week of history cannot expect).
   */
  falseAlarmReadingsAtMidnightPerStationDay: number;
  /** False-alarm readings by top driver feature. */
  falseAlarmsByDriver: Record<string, number>;
}

interface Episode {
  kind: string;
  channel: string;
  startTick: number;
  endTick: number; // last labelled tick
  detectTick: number; // -1 = not yet
}

interface StationTrack {
  current: Episode | null;
  currentId: string;
  /** Last ended episode, still open for detection during its grace window. */
  grace: Episode | null;
  inAlarmRun: boolean;
}

const DEFAULTS: Omit<EvaluationOptions, 'detector'> = {
  stations: 16,
  days: 14,
  seeds: [1, 2, 3],
  faultRate: 1,
  threshold: 70,
  graceTicks: 10,
  stepMs: 60_000,
};

const START_TS = Date.UTC(2024, 0, 8); // a Monday in the heating season

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function evaluateOnGasNetwork(opts: Partial<EvaluationOptions> = {}): EvaluationFigures {
  const o: EvaluationOptions = { ...DEFAULTS, detector: {}, ...opts };
  const ticks = Math.round((o.days * 86_400_000) / o.stepMs);
  const episodes: Episode[] = [];
  let falseReadings = 0;
  let falseRuns = 0;
  let midnightReadings = 0;
  const midnightMs = 15 * 60_000;
  let readings = 0;
  const byDriver: Record<string, number> = {};

  for (const seed of o.seeds) {
    const sim = createGasNetwork({ stations: o.stations, seed, faultRate: o.faultRate, startTs: START_TS, stepMs: o.stepMs });
    const detector = createSensorDetector(o.detector);
    const tracks = new Map<string, StationTrack>();
    for (let tick = 0; tick < ticks; tick++) {
      for (const r of sim.nextTick()) {
        readings++;
        const { score, drivers } = detector.score(r.station, r.ts, r.channels);
        let t = tracks.get(r.station);
        if (t === undefined) {
          t = { current: null, currentId: '', grace: null, inAlarmRun: false };
          tracks.set(r.station, t);
        }
        const truth = r.truth ?? null;
        if (t.current !== null && (truth === null || truth.faultId !== t.currentId)) {
          t.grace = t.current;
          t.current = null;
        }
        if (truth !== null && t.current === null) {
          t.current = { kind: truth.kind, channel: truth.channel ?? 'joint', startTick: tick, endTick: tick, detectTick: -1 };
          t.currentId = truth.faultId;
          episodes.push(t.current);
        }
        if (t.grace !== null && tick - t.grace.endTick > o.graceTicks) t.grace = null;
        const alarm = score >= o.threshold;
        if (t.current !== null) {
          t.current.endTick = tick;
          if (alarm && t.current.detectTick < 0) t.current.detectTick = tick;
          t.inAlarmRun = false;
        } else if (t.grace !== null) {
          if (alarm && t.grace.detectTick < 0) t.grace.detectTick = tick;
          t.inAlarmRun = false;
        } else if (alarm) {
          falseReadings++;
          if ((r.ts % 86_400_000) < midnightMs) midnightReadings++;
          if (!t.inAlarmRun) falseRuns++;
          t.inAlarmRun = true;
          const f = drivers[0]?.feature ?? '?';
          byDriver[f] = (byDriver[f] ?? 0) + 1;
        } else {
          t.inAlarmRun = false;
        }
      }
    }
  }

  const kinds: Record<string, KindFigures> = {};
  for (const kind of [...new Set(episodes.map((e) => e.kind))].sort()) {
    const eps = episodes.filter((e) => e.kind === kind);
    const delays = eps.filter((e) => e.detectTick >= 0).map((e) => e.detectTick - e.startTick).sort((a, b) => a - b);
    const byChannel: KindFigures['byChannel'] = {};
    for (const e of eps) {
      const c = (byChannel[e.channel] ??= { episodes: 0, detected: 0 });
      c.episodes++;
      if (e.detectTick >= 0) c.detected++;
    }
    kinds[kind] = {
      episodes: eps.length,
      detected: delays.length,
      recall: eps.length === 0 ? 0 : delays.length / eps.length,
      medianDelayTicks: quantile(delays, 0.5),
      p90DelayTicks: quantile(delays, 0.9),
      byChannel,
    };
  }
  const stationDays = o.seeds.length * o.stations * o.days;
  return {
    stationDays,
    readings,
    kinds,
    falseAlarmReadingsPerStationDay: falseReadings / stationDays,
    falseAlarmRunsPerStationDay: falseRuns / stationDays,
    falseAlarmReadingsAtMidnightPerStationDay: midnightReadings / stationDays,
    falseAlarmsByDriver: byDriver,
  };
}

function formatFigures(f: EvaluationFigures): string {
  const lines = [
    `${f.readings} readings, ${f.stationDays} station-days`,
    'kind    episodes  detected  recall  median delay  p90 delay   by channel (detected/episodes)',
  ];
  for (const [kind, k] of Object.entries(f.kinds)) {
    const ch = Object.entries(k.byChannel)
      .map(([c, v]) => `${c} ${v.detected}/${v.episodes}`)
      .join(', ');
    lines.push(
      `${kind.padEnd(8)}${String(k.episodes).padStart(8)}${String(k.detected).padStart(10)}${(k.recall * 100).toFixed(0).padStart(7)}%` +
        `${String(k.medianDelayTicks ?? '-').padStart(14)}${String(k.p90DelayTicks ?? '-').padStart(11)}   ${ch}`,
    );
  }
  lines.push(
    `false alarms per station-day: ${f.falseAlarmReadingsPerStationDay.toFixed(3)} readings` +
      ` (${f.falseAlarmReadingsAtMidnightPerStationDay.toFixed(3)} of them at the 00:00–00:15 weekly demand steps), ${f.falseAlarmRunsPerStationDay.toFixed(3)} runs` +
      ` (by top driver: ${Object.entries(f.falseAlarmsByDriver).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`,
  );
  return lines.join('\n');
}

function parseArgs(argv: string[]): { opts: Partial<EvaluationOptions>; json: boolean } {
  const opts: Partial<EvaluationOptions> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1] ?? '';
    if (a === '--json') json = true;
    else if (a === '--stations') (opts.stations = Number(v)), i++;
    else if (a === '--days') (opts.days = Number(v)), i++;
    else if (a === '--seeds') (opts.seeds = v.split(',').map(Number)), i++;
    else if (a === '--fault-rate') (opts.faultRate = Number(v)), i++;
    else if (a === '--threshold') (opts.threshold = Number(v)), i++;
    else if (a === '--detector') (opts.detector = JSON.parse(v) as SensorDetectorOptions), i++;
    else throw new Error(`unknown argument ${a}; see the header of evaluate-on-gas-network.ts`);
  }
  return { opts, json };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { opts, json } = parseArgs(process.argv.slice(2));
  const figures = evaluateOnGasNetwork(opts);
  console.log(json ? JSON.stringify(figures, null, 2) : formatFigures(figures));
}
