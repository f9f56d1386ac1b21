import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SENSOR_FAULT_KINDS, type SensorReading } from '../../../contracts/index.ts';
import { FAULT_PROFILE } from './faults.ts';
import { createGasNetwork, type GasNetworkOptions } from './gas-network.ts';
import type { GasChannel, StationSpec } from './station-specs.ts';

const MONDAY = Date.UTC(2024, 0, 1);
const STEP_MS = 60_000;
const TICKS = 14 * 1440;
const WARM_UP_TICKS = 6 * 60;

interface Row {
  tick: number;
  faulted: SensorReading;
  twin: SensorReading;
}
interface Episode {
  faultId: string;
  kind: string;
  channel: string | undefined;
  station: string;
  rows: Row[];
}

/** A faulted run and its fault-free twin (same seed), grouped by episode. */
function twinRun(opts: Partial<GasNetworkOptions>) {
  const faulted = createGasNetwork({ startTs: MONDAY, stepMs: STEP_MS, ...opts });
  const twin = createGasNetwork({ startTs: MONDAY, stepMs: STEP_MS, ...opts, faultRate: 0 });
  const episodes = new Map<string, Episode>();
  const clean: Row[] = [];
  const previous = new Map<string, SensorReading>(); // last reading before each episode
  const before = new Map<string, SensorReading>();
  for (let tick = 0; tick < TICKS; tick++) {
    const f = faulted.nextTick();
    const t = twin.nextTick();
    f.forEach((reading, i) => {
      const row = { tick, faulted: reading, twin: t[i]! };
      const truth = reading.truth;
      if (!truth) clean.push(row);
      else {
        let ep = episodes.get(truth.faultId);
        if (!ep) {
          ep = { faultId: truth.faultId, kind: truth.kind, channel: truth.channel, station: reading.station, rows: [] };
          episodes.set(truth.faultId, ep);
          before.set(truth.faultId, previous.get(reading.station)!);
        }
        assert.equal(truth.kind, ep.kind);
        assert.equal(truth.channel, ep.channel);
        ep.rows.push(row);
      }
      previous.set(reading.station, reading);
    });
  }
  // An episode still running on the last tick is cut short: its duration and final size are unknown.
  const complete = [...episodes.values()].filter((e) => e.rows.at(-1)!.tick < TICKS - 1);
  return { stations: faulted.stations, episodes: [...episodes.values()], complete, clean, before };
}

const sigmaOf = (stations: readonly StationSpec[], ep: Episode) =>
  stations.find((s) => s.id === ep.station)!.noiseSigma[ep.channel as GasChannel]!;

/** The other channels of a single-channel fault must be untouched. */
function assertOthersUntouched(ep: Episode) {
  for (const { faulted, twin } of ep.rows) {
    for (const [name, value] of Object.entries(twin.channels)) {
      if (name !== ep.channel) assert.equal(faulted.channels[name], value, `${ep.faultId} ${name}`);
    }
  }
}

describe('fault injection', () => {
  const { stations, episodes, complete, clean, before } = twinRun({ seed: 11, faultRate: 2 });
  const ofKind = (kind: string) => complete.filter((e) => e.kind === kind);

  it('injects every fault kind, labelled, after the warm-up, one at a time per station', () => {
    for (const kind of SENSOR_FAULT_KINDS) assert.ok(ofKind(kind).length >= 5, `${kind}: ${ofKind(kind).length}`);
    // ≈ 2 per station-day over 14 days × 8 stations, a little fewer because episodes take time.
    assert.ok(episodes.length > 120 && episodes.length < 240, `${episodes.length} episodes`);
    for (const ep of complete) {
      const ticks = ep.rows.map((r) => r.tick);
      assert.ok(ticks[0]! >= WARM_UP_TICKS, `${ep.faultId} starts in warm-up`);
      assert.equal(ep.faultId, `${ep.station}:${ep.kind}:${ticks[0]}`);
      // Contiguous: one episode is one unbroken run of ticks.
      assert.equal(ticks.at(-1)! - ticks[0]! + 1, ticks.length, `${ep.faultId} has gaps`);
      const [lo, hi] = FAULT_PROFILE[ep.kind as keyof typeof FAULT_PROFILE].ticks;
      assert.ok(ticks.length >= lo && ticks.length <= hi, `${ep.faultId} lasts ${ticks.length}`);
    }
    // Episodes of one station never overlap (a reading carries a single label anyway).
    const perStation = new Map<string, number[][]>();
    for (const ep of episodes) {
      const spans = perStation.get(ep.station) ?? [];
      spans.push([ep.rows[0]!.tick, ep.rows.at(-1)!.tick]);
      perStation.set(ep.station, spans);
    }
    for (const spans of perStation.values()) {
      spans.sort((a, b) => a[0]! - b[0]!);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0]! > spans[i - 1]![1]!);
    }
  });

  it('leaves every unlabelled reading identical to the fault-free twin', () => {
    assert.ok(clean.length > 0.8 * TICKS * stations.length);
    for (const { faulted, twin } of clean) assert.deepEqual(faulted, twin);
  });

  it('leak: pressure below and flow above the twin, ramping to −5…−15 % and +20…+50 %', () => {
    for (const ep of ofKind('leak')) {
      assert.equal(ep.channel, undefined);
      for (const { faulted, twin } of ep.rows) {
        assert.ok(faulted.channels.pressure! < twin.channels.pressure!, ep.faultId);
        assert.ok(faulted.channels.flow! > twin.channels.flow!, ep.faultId);
        // Temperature and the transmission-side inlet do not see a downstream leak.
        assert.equal(faulted.channels.temperature, twin.channels.temperature);
        assert.equal(faulted.channels.inlet_pressure, twin.channels.inlet_pressure);
      }
      const last = ep.rows.at(-1)!;
      const drop = 1 - last.faulted.channels.pressure! / last.twin.channels.pressure!;
      const rise = last.faulted.channels.flow! / last.twin.channels.flow! - 1;
      assert.ok(drop > 0.049 && drop < 0.151, `${ep.faultId} pressure −${drop}`);
      assert.ok(rise > 0.199 && rise < 0.501, `${ep.faultId} flow +${rise}`);
      const firstDrop = 1 - ep.rows[0]!.faulted.channels.pressure! / ep.rows[0]!.twin.channels.pressure!;
      assert.ok(firstDrop < drop, `${ep.faultId} does not ramp in`);
    }
  });

  it('stuck: the channel repeats the last value before the episode exactly', () => {
    for (const ep of ofKind('stuck')) {
      const frozen = before.get(ep.faultId)!.channels[ep.channel!];
      assert.ok(frozen !== undefined);
      for (const { faulted } of ep.rows) assert.equal(faulted.channels[ep.channel!], frozen, ep.faultId);
      assertOthersUntouched(ep);
    }
  });

  it('spike: the channel jumps 6–12 noise sigmas for 1–3 readings', () => {
    for (const ep of ofKind('spike')) {
      const sigma = sigmaOf(stations, ep);
      for (const { faulted, twin } of ep.rows) {
        const jump = Math.abs(faulted.channels[ep.channel!]! - twin.channels[ep.channel!]!) / sigma;
        assert.ok(jump > 5.9 && jump < 12.1, `${ep.faultId} jumps ${jump} sigma`);
      }
      assertOthersUntouched(ep);
    }
  });

  it('drift: the offset from the twin grows steadily to 4–8 noise sigmas', () => {
    for (const ep of ofKind('drift')) {
      const sigma = sigmaOf(stations, ep);
      const diffs = ep.rows.map(({ faulted, twin }) => faulted.channels[ep.channel!]! - twin.channels[ep.channel!]!);
      const sign = Math.sign(diffs.at(-1)!);
      const tolerance = 0.01 * sigma; // published rounding
      for (let i = 1; i < diffs.length; i++) {
        assert.ok(sign * diffs[i]! >= sign * diffs[i - 1]! - tolerance, `${ep.faultId} shrinks at ${i}`);
      }
      assert.ok(Math.abs(diffs[0]!) < sigma, `${ep.faultId} starts with a jump`);
      const final = Math.abs(diffs.at(-1)!) / sigma;
      assert.ok(final > 3.9 && final < 8.1, `${ep.faultId} ends at ${final} sigma`);
      assertOthersUntouched(ep);
    }
  });

  it('faultRate 0 labels nothing', () => {
    const sim = createGasNetwork({ startTs: MONDAY, seed: 11, faultRate: 0 });
    for (let t = 0; t < 3 * 1440; t++) for (const r of sim.nextTick()) assert.equal(r.truth, null);
  });
});
