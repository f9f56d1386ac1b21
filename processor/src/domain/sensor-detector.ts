// The causal online detector for sensor readings: one call per reading, in log order per station.
//
// Per channel it runs three components, per station one joint component (see each file):
//   ewma-residual  – a reading far from the recent level (spikes, sudden steps);
//   flatline       – the exact same value repeated far longer than this channel ever does (stuck);
//   level-shift    – the recent mean off the seasonal (daily) expectation (drift, sustained shifts);
//   joint-deviation – several channels' level offsets together, Mahalanobis (leaks: pressure ↓ flow ↑).
// Every component reports its surprise as an equivalent two-sided Gaussian |z| (same tail
// probability), so they are directly comparable; the station score is the max surprise mapped
// through the score scale. The max (a min-p rule) is the principled combination here: each test
// is already calibrated, a fault usually shows in one component, and evidence that *is* spread
// over channels is combined properly by the joint component instead of by adding scores. With
// ~10 tests per reading the multiplicity costs little because the score-70 threshold is far in
// the tail (|z| ≈ 5.6).
//
// Deterministic: state depends only on the inputs and their order (no clock, no randomness).

import type { AnomalyDriver } from '../../../contracts/anomaly.ts';
import { createScoreScale, type ScoreScaleOptions } from './score-scale.ts';
import { EwmaResidual, resolveEwmaResidualOptions, type EwmaResidualOptions } from './ewma-residual.ts';
import { Flatline, resolveFlatlineOptions, type FlatlineOptions } from './flatline.ts';
import { LevelShift, resolveLevelShiftOptions, type LevelShiftOptions } from './level-shift.ts';
import { JointDeviation, resolveJointDeviationOptions, type JointDeviationOptions } from './joint-deviation.ts';
import type { ComponentOutput } from './component.ts';
import {
  parseSensorSnapshot,
  SENSOR_SNAPSHOT_FORMAT,
  SENSOR_SNAPSHOT_VERSION,
  type SensorDetectorSnapshot,
} from './sensor-detector-snapshot.ts';

export const SENSOR_DETECTOR_NAME = 'sensor-online@1';

export interface SensorScore {
  /** Station score 0–100: the strongest component, through the score scale. */
  score: number;
  /** Detector name and version, `sensor-online@1`. */
  detector: string;
  /** Strongest first; every driver scoring ≥ 50, or just the top one when none does. */
  drivers: AnomalyDriver[];
}

export interface SensorDetectorOptions {
  /** Surprise → score curve; defaults in score-scale.ts. */
  scale?: Partial<ScoreScaleOptions>;
  /** Point (spike/step) component; defaults in ewma-residual.ts. */
  ewma?: Partial<EwmaResidualOptions>;
  /** Stuck-sensor component; defaults in flatline.ts. */
  flatline?: Partial<FlatlineOptions>;
  /** Seasonal drift/shift component; defaults in level-shift.ts. */
  levelShift?: Partial<LevelShiftOptions>;
  /** Multi-channel component; defaults in joint-deviation.ts. */
  joint?: Partial<JointDeviationOptions>;
}

export interface SensorDetector {
  readonly name: string;
  /** Scores one reading of `station` at event time `ts` (epoch ms) and learns from it. */
  score(station: string, ts: number, channels: Readonly<Record<string, number>>): SensorScore;
  /** JSON-serialisable copy of all state (format + version tagged). */
  snapshot(): SensorDetectorSnapshot;
  /** Replaces all state with a snapshot; throws SensorDetectorSnapshotError when it does not fit. */
  restore(snapshot: unknown): void;
  /** Stations with state. */
  readonly stationCount: number;
}

const EWMA = 0;
const FLAT = 1;
const SHIFT = 2;

class ChannelState {
  stamp = 0;
  value = 0;
  best = 0;
  which = EWMA;
  constructor(
    readonly name: string,
    readonly index: number,
    readonly ewma: EwmaResidual,
    readonly flat: Flatline,
    readonly shift: LevelShift,
  ) {}

  get bestComponent(): ComponentOutput {
    return this.which === FLAT ? this.flat : this.which === SHIFT ? this.shift : this.ewma;
  }
}

class StationState {
  readonly channels = new Map<string, ChannelState>();
  readonly list: ChannelState[] = [];
  readonly names: string[] = [];
  readonly joint: JointDeviation;
  u = new Float64Array(4);
  live = new Uint8Array(4);
  stamp = 0;
  constructor(jointOptions: JointDeviationOptions) {
    this.joint = new JointDeviation(jointOptions, this.names);
  }
}

function byScoreDesc(a: AnomalyDriver, b: AnomalyDriver): number {
  return b.score - a.score;
}

export function createSensorDetector(opts: SensorDetectorOptions = {}): SensorDetector {
  const scale = createScoreScale(opts.scale);
  const ewmaO = resolveEwmaResidualOptions(opts.ewma);
  const flatO = resolveFlatlineOptions(opts.flatline);
  const shiftO = resolveLevelShiftOptions(opts.levelShift);
  const jointO = resolveJointDeviationOptions(opts.joint);
  const z50 = scale.toSurprise(50);
  let stations = new Map<string, StationState>();

  function addChannel(st: StationState, name: string): ChannelState {
    const ch = new ChannelState(name, st.list.length, new EwmaResidual(ewmaO), new Flatline(flatO), new LevelShift(shiftO));
    st.channels.set(name, ch);
    st.list.push(ch);
    st.names.push(name);
    if (st.list.length > st.u.length) {
      const u = new Float64Array(st.u.length * 2);
      u.set(st.u);
      const live = new Uint8Array(st.u.length * 2);
      live.set(st.live);
      st.u = u;
      st.live = live;
    }
    st.joint.grow(st.list.length);
    return ch;
  }

  function channelDriver(ch: ChannelState): AnomalyDriver {
    const c = ch.bestComponent;
    return { feature: ch.name, score: scale.toScore(ch.best), value: ch.value, expected: c.expected, reason: c.reason };
  }

  function score(station: string, ts: number, channels: Readonly<Record<string, number>>): SensorScore {
    let st = stations.get(station);
    if (st === undefined) {
      st = new StationState(jointO);
      stations.set(station, st);
    }
    const stamp = ++st.stamp;
    let top: ChannelState | null = null;
    let strong = 0;
    for (const name in channels) {
      const v = channels[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const ch = st.channels.get(name) ?? addChannel(st, name);
      ch.stamp = stamp;
      ch.value = v;
      let best = ch.ewma.update(v, ts).surprise;
      let which = EWMA;
      const f = ch.flat.update(v, ts).surprise;
      if (f > best) {
        best = f;
        which = FLAT;
      }
      const shift = ch.shift.update(v, ts);
      if (shift.surprise > best) {
        best = shift.surprise;
        which = SHIFT;
      }
      ch.best = best;
      ch.which = which;
      st.u[ch.index] = shift.u;
      st.live[ch.index] = shift.warm ? 1 : 0;
      if (top === null || best > top.best) top = ch;
      if (best >= z50) strong++;
    }
    const list = st.list;
    for (let i = 0; i < list.length; i++) if (list[i]!.stamp !== stamp) st.live[i] = 0;
    const joint = st.joint.update(st.u, st.live, ts);
    const jointStrong = joint.k >= 2 && joint.surprise >= z50;

    if (top === null) return { score: 0, detector: SENSOR_DETECTOR_NAME, drivers: [] };
    const jointTop = joint.k >= 2 && joint.surprise > top.best;
    const maxSurprise = jointTop ? joint.surprise : top.best;
    let drivers: AnomalyDriver[];
    if (strong === 0 && !jointStrong) {
      drivers = [jointTop ? jointDriver(joint) : channelDriver(top)];
    } else {
      drivers = [];
      if (strong > 0) {
        for (let i = 0; i < list.length; i++) {
          const ch = list[i]!;
          if (ch.stamp === stamp && ch.best >= z50) drivers.push(channelDriver(ch));
        }
      } else if (!jointTop) drivers.push(channelDriver(top));
      if (jointStrong) drivers.push(jointDriver(joint));
      if (drivers.length > 1) drivers.sort(byScoreDesc);
    }
    return { score: scale.toScore(maxSurprise), detector: SENSOR_DETECTOR_NAME, drivers };
  }

  function jointDriver(joint: JointDeviation): AnomalyDriver {
    return { feature: joint.feature, score: scale.toScore(joint.surprise), value: null, expected: null, reason: joint.reason };
  }

  function snapshot(): SensorDetectorSnapshot {
    const out: SensorDetectorSnapshot['stations'] = [];
    for (const [station, st] of stations) {
      out.push({
        station,
        channels: st.list.map((ch) => ({
          name: ch.name,
          ewma: ch.ewma.snapshot(),
          flatline: ch.flat.snapshot(),
          levelShift: ch.shift.snapshot(),
        })),
        joint: st.joint.snapshot(),
      });
    }
    return {
      format: SENSOR_SNAPSHOT_FORMAT,
      version: SENSOR_SNAPSHOT_VERSION,
      detector: SENSOR_DETECTOR_NAME,
      layout: { periodMs: shiftO.periodMs, bins: shiftO.bins },
      stations: out,
    };
  }

  function restore(raw: unknown): void {
    const snap = parseSensorSnapshot(raw, { periodMs: shiftO.periodMs, bins: shiftO.bins });
    const next = new Map<string, StationState>();
    for (const s of snap.stations) {
      const st = new StationState(jointO);
      for (const c of s.channels) {
        const ch = addChannel(st, c.name);
        ch.ewma.restore(c.ewma);
        ch.flat.restore(c.flatline);
        ch.shift.restore(c.levelShift);
      }
      st.joint.restore(s.joint);
      next.set(s.station, st);
    }
    stations = next;
  }

  return {
    name: SENSOR_DETECTOR_NAME,
    score,
    snapshot,
    restore,
    get stationCount() {
      return stations.size;
    },
  };
}
