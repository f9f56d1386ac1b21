// The causal online detector for sensor readings: one call per reading, in log order per station.
//
// Per channel (see each file):
//   ewma-residual   – a reading far from the channel's recent level (spikes, sudden steps);
//   flatline        – the exact same value repeated far longer than this channel ever does (stuck);
//   level-shift     – the recent mean off the seasonal (daily) expectation (drift, sustained shifts);
//   period-residual – the last hours against the same hours of the previous days and weeks
//                     (median), at a fixed calibrated level: an onset source for holidays, missing
//                     rush hours and plateaus that no local test sees.
// Per station:
//   relation        – each pair of channels against the curve linking them, learned online
//                     (pressure from flow), in whichever direction leaves the whiter residual and
//                     only where it explains ≥ 98 % of the variance: drifts, leaks and spikes that
//                     break a physical relation although weather and demand hide them in each
//                     channel alone;
//   joint-deviation – the channels' seasonal offsets together (Mahalanobis): coherent shifts of
//                     several channels, each too small alone (pressure ↓ and flow ↑: a leak).
// Every component reports its surprise as an equivalent two-sided Gaussian |z| (same tail
// probability), so they are directly comparable, and the station score is the max surprise mapped
// through the score scale. The max (a min-p rule) is the principled combination here: each test
// is calibrated on its own, a fault usually shows clearly in one of them, and evidence spread over
// channels is combined properly by the station components rather than by adding scores. The
// multiplicity (≈ 4 tests per channel) costs little because score 70 sits far in the tail (|z| ≈ 5.6).
//
// Deterministic: state depends only on the inputs and their order (no clock, no randomness).
// Hot path: one Map lookup per channel, component state updated in place, and allocation only for
// the returned score and its drivers.

import type { AnomalyDriver } from '../../../../../contracts/anomaly.ts';
import { MAX_CHANNELS_PER_STATION } from '../../../../../contracts/sensor-reading.ts';
import { createScoreScale, type ScoreScaleOptions } from '../../../core/score-scale.ts';
import { EwmaResidual, resolveEwmaResidualOptions, type EwmaResidualOptions } from './ewma-residual.ts';
import { Flatline, resolveFlatlineOptions, type FlatlineOptions } from './flatline.ts';
import { LevelShift, resolveLevelShiftOptions, type LevelShiftOptions } from './level-shift.ts';
import { JointDeviation, resolveJointDeviationOptions, type JointDeviationOptions } from './joint-deviation.ts';
import { Relation, resolveRelationOptions, type RelationOptions } from './relation.ts';
import { RegimeOffset, resolveRegimeOffsetOptions, type RegimeOffsetOptions } from './regime-offset.ts';
import { OnsetNovelty, resolveOnsetNoveltyOptions, type OnsetNoveltyOptions } from './onset-novelty.ts';
import { PeriodResidual, resolvePeriodResidualOptions, type PeriodResidualOptions } from './period-residual.ts';
import { createScoreBands, type ScoreBandsOptions } from './score-bands.ts';
import type { ComponentOutput } from '../../../core/component.ts';
import {
  parseSensorSnapshot,
  SENSOR_SNAPSHOT_FORMAT,
  SENSOR_SNAPSHOT_VERSION,
  type SensorDetectorSnapshot,
} from './sensor-detector-snapshot.ts';

/** A station would hold more channels than the detectors relate pairwise (MAX_CHANNELS_PER_STATION). */
export class TooManyChannelsError extends Error {
  override name = 'TooManyChannelsError';
  constructor(
    readonly station: string,
    readonly channels: number,
  ) {
    super(`station ${station} would have ${channels} channels; a station holds at most ${MAX_CHANNELS_PER_STATION} (the detectors relate every pair): use another station id for the other channels`);
  }
}

export const SENSOR_DETECTOR_NAME = 'sensor-online@2';

export interface SensorScore {
  /** Station score 0–100: the strongest component, through the score scale. */
  score: number;
  /** Detector name and version, `sensor-online@2`. */
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
  /** Cross-channel relation component; defaults in relation.ts. */
  relation?: Partial<RelationOptions>;
  /** Coherent multi-channel shift component; defaults in joint-deviation.ts. */
  joint?: Partial<JointDeviationOptions>;
  /** Persistent regime-change component; defaults in regime-offset.ts. */
  regime?: Partial<RegimeOffsetOptions>;
  /** Episode-onset component; defaults in onset-novelty.ts. */
  onset?: Partial<OnsetNoveltyOptions>;
  /** Period-aligned residual feeding the onset; defaults in period-residual.ts. */
  period?: Partial<PeriodResidualOptions>;
  /** How the components share the 0–100 range; defaults in score-bands.ts. */
  bands?: Partial<ScoreBandsOptions>;
}

export interface SensorDetector {
  readonly name: string;
  /** Scores one reading of `station` at event time `ts` (epoch ms) and learns from it. */
  score(station: string, ts: number, channels: Readonly<Record<string, number>>): SensorScore;
  /** JSON-serialisable copy of all state (format + version tagged). */
  snapshot(): SensorDetectorSnapshot;
  /** JSON.stringify(snapshot()) in consecutive pieces (one per station), without building the whole tree. */
  snapshotParts(): string[];
  /** Replaces all state with a snapshot; throws SensorDetectorSnapshotError when it does not fit. */
  restore(snapshot: unknown): void;
  /** Stations with state. */
  readonly stationCount: number;
  /** Approximate bytes of one station's live state (0 when it has none); see stationBytes. */
  stationBytes(station: string): number;
  /** Removes a station's state and returns it (JSON- and structured-clone-safe), or undefined. */
  evictStation(station: string): SensorStationState | undefined;
  /** Puts back a station's state that evictStation returned (same detector options). */
  reviveStation(state: SensorStationState): void;
}

/** One station's state, as it appears in the snapshot. */
export type SensorStationState = SensorDetectorSnapshot['stations'][number];

/**
 * Measured bytes (bench/src/memory/state-per-key.ts and state-breakdown.ts: V8 heap +
 * ArrayBuffers) of a station's fixed state, per station, per channel and per relation, apart from
 * what is allocated as history arrives and counted exactly: the onset's block-mean rings and the
 * period residual's block ring and per-track arrays. A few KiB either way: they size a memory
 * budget, not an allocation. See docs/perf/state.md.
 */
const STATION_BASE_BYTES = 2_000;
const CHANNEL_BYTES = 6_000;
const RELATION_BYTES = 1_000;
/** What the key budget assumes a new station takes until it is measured (3–4 channels, no history; measured 25 KiB, 39 KiB before docs/perf/state.md). */
export const SENSOR_NEW_KEY_BYTES = 32 * 1024;

class ChannelState {
  stamp = 0;
  value = 0;
  /** Strongest own-component score (0–100) of the latest reading, and that component. */
  best = 0;
  bestOf: ComponentOutput;
  constructor(
    readonly name: string,
    readonly index: number,
    readonly ewma: EwmaResidual,
    readonly flat: Flatline,
    readonly shift: LevelShift,
    readonly regime: RegimeOffset,
    readonly onset: OnsetNovelty,
    readonly period: PeriodResidual,
  ) {
    this.bestOf = ewma;
  }
}

class StationState {
  readonly channels = new Map<string, ChannelState>();
  readonly list: ChannelState[] = [];
  readonly names: string[] = [];
  /** Every ordered (target, regressor) pair of channels, with the channel indices. */
  readonly relations: Relation[] = [];
  readonly relTarget: number[] = [];
  readonly relRegressor: number[] = [];
  /**
   * Per unordered pair (relations 2q and 2q+1 are its two directions), the direction that
   * scores the pair for the latest reading, or null when the pair is not scored.
   */
  pairPick: (Relation | null)[] = [];
  /** Score of each pair for the latest reading (0 when not scored). */
  pairScore: number[] = [];
  /** Feature name per pair, `a~b` in channel order. */
  readonly pairFeature: string[] = [];
  readonly joint: JointDeviation;
  u = new Float64Array(4);
  uLive = new Uint8Array(4);
  stamp = 0;
  constructor(jointOptions: JointDeviationOptions) {
    this.joint = new JointDeviation(jointOptions, this.names);
  }
}

function byScoreDesc(a: AnomalyDriver, b: AnomalyDriver): number {
  return b.score - a.score;
}

function grown<T extends Float64Array | Uint8Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

export function createSensorDetector(opts: SensorDetectorOptions = {}): SensorDetector {
  const scale = createScoreScale(opts.scale);
  const ewmaO = resolveEwmaResidualOptions(opts.ewma);
  const flatO = resolveFlatlineOptions(opts.flatline);
  const shiftO = resolveLevelShiftOptions(opts.levelShift);
  const relO = resolveRelationOptions(opts.relation);
  const jointO = resolveJointDeviationOptions(opts.joint);
  const regimeO = resolveRegimeOffsetOptions(opts.regime);
  const onsetO = resolveOnsetNoveltyOptions(opts.onset);
  const periodO = resolvePeriodResidualOptions(opts.period);
  const bands = createScoreBands(opts.bands);
  /** Score of a point/relation/joint surprise, inside the "state" band. */
  const stateScore = (z: number): number => bands.state(scale.toScore(z));
  const regimeScore = (z: number): number => bands.state(bands.regimeScore(z));
  let stations = new Map<string, StationState>();

  function addChannel(st: StationState, name: string): ChannelState {
    const ch = new ChannelState(
      name,
      st.list.length,
      new EwmaResidual(ewmaO),
      new Flatline(flatO),
      new LevelShift(shiftO),
      new RegimeOffset(regimeO),
      new OnsetNovelty(onsetO),
      new PeriodResidual(periodO),
    );
    for (const other of st.list) {
      st.relations.push(new Relation(relO, name, other.name), new Relation(relO, other.name, name));
      st.relTarget.push(ch.index, other.index);
      st.relRegressor.push(other.index, ch.index);
      st.pairPick.push(null);
      st.pairScore.push(0);
      st.pairFeature.push(`${other.name}~${name}`);
    }
    st.channels.set(name, ch);
    st.list.push(ch);
    st.names.push(name);
    st.u = grown(st.u, st.list.length);
    st.uLive = grown(st.uLive, st.list.length);
    st.joint.grow(st.list.length);
    return ch;
  }

  function channelDriver(ch: ChannelState): AnomalyDriver {
    const c = ch.bestOf;
    return { feature: ch.name, score: ch.best, value: ch.value, expected: c.expected, reason: c.reason };
  }

  function relationDriver(st: StationState, q: number): AnomalyDriver {
    const r = st.pairPick[q]!;
    const value = st.list[st.relTarget[2 * q + (r === st.relations[2 * q] ? 0 : 1)]!]!.value;
    return { feature: st.pairFeature[q]!, score: stateScore(r.surprise), value, expected: r.expected, reason: r.reason };
  }

  function jointDriver(joint: JointDeviation): AnomalyDriver {
    return { feature: joint.feature, score: stateScore(joint.surprise), value: null, expected: null, reason: joint.reason };
  }

  function score(station: string, ts: number, channels: Readonly<Record<string, number>>): SensorScore {
    let st = stations.get(station);
    // Checked before any state changes, so a refused reading teaches nothing.
    let fresh = 0;
    for (const name in channels) if (!st?.channels.has(name)) fresh++;
    if ((st?.list.length ?? 0) + fresh > MAX_CHANNELS_PER_STATION) throw new TooManyChannelsError(station, (st?.list.length ?? 0) + fresh);
    if (st === undefined) {
      st = new StationState(jointO);
      stations.set(station, st);
    }
    const stamp = ++st.stamp;
    let seen = 0;
    for (const name in channels) {
      const v = channels[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const ch = st.channels.get(name) ?? addChannel(st, name);
      ch.stamp = stamp;
      ch.value = v;
      let best: ComponentOutput = ch.ewma.update(v, ts);
      const f = ch.flat.update(v, ts);
      if (f.surprise > best.surprise) best = f;
      const sh = ch.shift.update(v, ts);
      if (sh.surprise > best.surprise) best = sh;
      let bestScore = stateScore(best.surprise);
      const rg = ch.regime.update(v);
      const rgScore = regimeScore(rg.surprise);
      if (rgScore > bestScore) {
        bestScore = rgScore;
        best = rg;
      }
      // The onset mostly re-ranks: it lifts a reading that already alarms into the onset band when
      // it starts something new, and the explanation stays that of the strongest state component.
      // A clear shape record is an onset on its own (one reading; see onset-novelty.ts).
      const seasonal = ch.period.update(v, ts).ratio;
      const on = ch.onset.update(v, best === rg ? Math.max(ch.ewma.surprise, f.surprise, sh.surprise) : best.surprise, seasonal);
      if (on.ratio > 0) {
        const onScore = bands.onset(on.ratio);
        // A shape onset with no state alarm behind it explains itself.
        if (bestScore < bands.alarm) best = on;
        if (onScore > bestScore) bestScore = onScore;
      }
      ch.best = bestScore;
      ch.bestOf = best;
      st.u[ch.index] = sh.u;
      st.uLive[ch.index] = sh.warm ? 1 : 0;
      seen++;
    }
    if (seen === 0) return { score: 0, detector: SENSOR_DETECTOR_NAME, drivers: [] };
    const list = st.list;
    for (let i = 0; i < list.length; i++) if (list[i]!.stamp !== stamp) st.uLive[i] = 0;

    const rels = st.relations;
    for (let p = 0; p < rels.length; p++) {
      const target = list[st.relTarget[p]!]!;
      const regressor = list[st.relRegressor[p]!]!;
      if (target.stamp !== stamp || regressor.stamp !== stamp) continue;
      rels[p]!.update(target.value, regressor.value);
    }
    // A pair is scored by the direction whose residual is closer to white noise (pressure from
    // flow is a clean quadratic; flow from pressure a square root that a quadratic only
    // approximates, which leaves slow structure and false alarms at the edges of its range).
    const pairs = st.pairPick;
    for (let q = 0; q < pairs.length; q++) {
      const a = rels[2 * q]!;
      const b = rels[2 * q + 1]!;
      const both = list[st.relTarget[2 * q]!]!.stamp === stamp && list[st.relRegressor[2 * q]!]!.stamp === stamp;
      pairs[q] = !both ? null : a.live && (!b.live || a.structure <= b.structure) ? a : b.live ? b : null;
    }
    const joint = st.joint.update(st.u, st.uLive, ts);
    const jointOn = joint.k >= 2;

    // The strongest candidate, and how many candidates reach score 50.
    const jointScore = jointOn ? stateScore(joint.surprise) : 0;
    let max = jointScore;
    let strong = jointScore >= 50 ? 1 : 0;
    for (let i = 0; i < list.length; i++) {
      const ch = list[i]!;
      if (ch.stamp !== stamp) continue;
      if (ch.best > max) max = ch.best;
      if (ch.best >= 50) strong++;
    }
    const pairScore = st.pairScore;
    for (let q = 0; q < pairs.length; q++) {
      const r = pairs[q];
      pairScore[q] = r === null || r === undefined ? 0 : stateScore(r.surprise);
      if (pairScore[q]! > max) max = pairScore[q]!;
      if (pairScore[q]! >= 50) strong++;
    }
    const drivers: AnomalyDriver[] = [];
    for (let i = 0; i < list.length; i++) {
      const ch = list[i]!;
      if (ch.stamp !== stamp) continue;
      if (strong > 0 ? ch.best >= 50 : ch.best === max) {
        drivers.push(channelDriver(ch));
        if (strong === 0) break;
      }
    }
    for (let q = 0; q < pairs.length && (strong > 0 || drivers.length === 0); q++) {
      const r = pairs[q];
      if (r === null || r === undefined) continue;
      if (strong > 0 ? pairScore[q]! >= 50 : pairScore[q] === max) drivers.push(relationDriver(st, q));
    }
    if (jointOn && (strong > 0 ? jointScore >= 50 : drivers.length === 0 && jointScore === max)) drivers.push(jointDriver(joint));
    if (drivers.length > 1) drivers.sort(byScoreDesc);
    return { score: max, detector: SENSOR_DETECTOR_NAME, drivers };
  }

  function stationState(station: string, st: StationState): SensorStationState {
    return {
      station,
      channels: st.list.map((ch) => ({
        name: ch.name,
        ewma: ch.ewma.snapshot(),
        flatline: ch.flat.snapshot(),
        levelShift: ch.shift.snapshot(),
        regime: ch.regime.snapshot(),
        onset: ch.onset.snapshot(),
        period: ch.period.snapshot(),
      })),
      relations: st.relations.map((r) => r.snapshot()),
      joint: st.joint.snapshot(),
    };
  }

  function stationFrom(s: SensorStationState): StationState {
    const st = new StationState(jointO);
    for (const c of s.channels) {
      const ch = addChannel(st, c.name);
      ch.ewma.restore(c.ewma);
      ch.flat.restore(c.flatline);
      ch.shift.restore(c.levelShift);
      ch.regime.restore(c.regime);
      ch.onset.restore(c.onset);
      ch.period.restore(c.period);
    }
    s.relations.forEach((r, i) => st.relations[i]!.restore(r));
    st.joint.restore(s.joint);
    return st;
  }

  function snapshotHead(): Omit<SensorDetectorSnapshot, 'stations'> {
    return {
      format: SENSOR_SNAPSHOT_FORMAT,
      version: SENSOR_SNAPSHOT_VERSION,
      detector: SENSOR_DETECTOR_NAME,
      layout: { periodMs: shiftO.periodMs, bins: shiftO.bins, onset: { strides: [...onsetO.strides], width: onsetO.width, memory: onsetO.memory } },
    };
  }

  function snapshot(): SensorDetectorSnapshot {
    const out: SensorDetectorSnapshot['stations'] = [];
    for (const [station, st] of stations) out.push(stationState(station, st));
    return { ...snapshotHead(), stations: out };
  }

  function snapshotParts(): string[] {
    // Station by station: each station's object tree is garbage as soon as it is text, so the
    // whole state never exists as one tree (≈ 3× its text: 390 MiB for 10 000 new stations),
    // and the pieces need not be joined into one string either.
    const head = JSON.stringify({ ...snapshotHead(), stations: [] });
    const parts: string[] = [head.slice(0, -2)];
    let first = true;
    for (const [station, st] of stations) {
      parts.push((first ? '' : ',') + JSON.stringify(stationState(station, st)));
      first = false;
    }
    parts.push(']}');
    return parts;
  }

  function restore(raw: unknown): void {
    const snap = parseSensorSnapshot(raw, {
      periodMs: shiftO.periodMs,
      bins: shiftO.bins,
      onset: { strides: [...onsetO.strides], width: onsetO.width, memory: onsetO.memory },
    });
    const next = new Map<string, StationState>();
    for (const s of snap.stations) next.set(s.station, stationFrom(s));
    stations = next;
  }

  function stationBytes(station: string): number {
    const st = stations.get(station);
    if (st === undefined) return 0;
    let bytes = STATION_BASE_BYTES + RELATION_BYTES * st.relations.length;
    for (const ch of st.list) bytes += CHANNEL_BYTES + ch.onset.storeBytes + ch.period.meansBytes;
    return bytes;
  }

  function evictStation(station: string): SensorStationState | undefined {
    const st = stations.get(station);
    if (st === undefined) return undefined;
    stations.delete(station);
    return stationState(station, st);
  }

  function reviveStation(s: SensorStationState): void {
    stations.set(s.station, stationFrom(s));
  }

  return {
    name: SENSOR_DETECTOR_NAME,
    score,
    snapshot,
    restore,
    snapshotParts,
    stationBytes,
    evictStation,
    reviveStation,
    get stationCount() {
      return stations.size;
    },
  };
}
