import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SensorReading } from '../../../contracts/index.ts';
import { createGasNetwork, GasNetworkOptionsError, type GasNetworkOptions } from './gas-network.ts';

const MONDAY = Date.UTC(2024, 0, 1);
const SATURDAY = Date.UTC(2024, 0, 6);
const TICKS_PER_DAY = 1440;

function run(opts: Partial<GasNetworkOptions> & { startTs: number }, ticks: number): SensorReading[] {
  const sim = createGasNetwork(opts);
  const out: SensorReading[] = [];
  for (let t = 0; t < ticks; t++) out.push(...sim.nextTick());
  return out;
}

function series(readings: SensorReading[], station: string, channel: string): number[] {
  return readings.filter((r) => r.station === station).map((r) => r.channels[channel]!);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const min = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b));
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b));

function corr(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Subtract the mean of each minute-of-day, leaving what the daily rhythm does not explain. */
function deseasonalise(xs: number[]): number[] {
  const sums = new Float64Array(TICKS_PER_DAY);
  const counts = new Float64Array(TICKS_PER_DAY);
  xs.forEach((x, i) => {
    sums[i % TICKS_PER_DAY]! += x;
    counts[i % TICKS_PER_DAY]! += 1;
  });
  return xs.map((x, i) => x - sums[i % TICKS_PER_DAY]! / counts[i % TICKS_PER_DAY]!);
}

describe('createGasNetwork: determinism and shape', () => {
  it('repeats itself for the same seed and differs for another seed', () => {
    const a = run({ startTs: MONDAY, seed: 5 }, 2 * TICKS_PER_DAY);
    assert.deepEqual(run({ startTs: MONDAY, seed: 5 }, 2 * TICKS_PER_DAY), a);
    const b = run({ startTs: MONDAY, seed: 6 }, 2 * TICKS_PER_DAY);
    assert.notDeepEqual(b.map((r) => r.channels), a.map((r) => r.channels));
  });

  it('emits one schema-valid reading per station per tick with unique ids and stepping ts', () => {
    const stepMs = 30_000;
    const sim = createGasNetwork({ startTs: MONDAY, stations: 5, stepMs, faultRate: 6 });
    assert.deepEqual(sim.stations.map((s) => s.id), ['st-001', 'st-002', 'st-003', 'st-004', 'st-005']);
    const ids = new Set<string>();
    for (let t = 0; t < 3 * TICKS_PER_DAY; t++) {
      const readings = sim.nextTick();
      assert.equal(readings.length, 5);
      for (const [i, r] of readings.entries()) {
        assert.equal(r.station, sim.stations[i]!.id);
        assert.equal(r.ts, MONDAY + t * stepMs);
        assert.equal(r.id, `${r.station}@${r.ts}`);
        assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
        ids.add(r.id);
        assert.ok(Object.values(r.channels).every(Number.isFinite));
        assert.deepEqual(Object.keys(r.channels), sim.stations[i]!.channels);
        SensorReading.parse(r);
      }
    }
  });

  it('lets channel sets differ: city-gate stations also report inlet pressure', () => {
    const sim = createGasNetwork({ startTs: MONDAY });
    const sets = new Set(sim.nextTick().map((r) => Object.keys(r.channels).join(',')));
    assert.deepEqual([...sets].sort(), ['pressure,temperature,flow', 'pressure,temperature,flow,inlet_pressure']);
  });

  it('keeps pressures, temperatures and flows in physical ranges', () => {
    const readings = run({ startTs: MONDAY, faultRate: 0 }, 7 * TICKS_PER_DAY);
    const p = readings.map((r) => r.channels.pressure!);
    assert.ok(min(p) > 3 && max(p) < 8, `pressure ${min(p)}…${max(p)}`);
    assert.ok(mean(p) > 5 && mean(p) < 7.5, `mean pressure ${mean(p)}`);
    const t = readings.map((r) => r.channels.temperature!);
    assert.ok(min(t) > -30 && max(t) < 30, `temperature ${min(t)}…${max(t)}`);
    assert.ok(readings.every((r) => r.channels.flow! > 0));
  });

  it('gives station k the same readings whatever the network size', () => {
    const small = run({ startTs: MONDAY, stations: 2, faultRate: 3 }, TICKS_PER_DAY);
    const large = run({ startTs: MONDAY, stations: 6, faultRate: 3 }, TICKS_PER_DAY).filter((r) => r.station <= 'st-002');
    assert.deepEqual(large, small);
  });

  it('rejects options it cannot simulate with an error naming the option', () => {
    const bad: Array<Partial<GasNetworkOptions>> = [
      { stations: 0 },
      { stations: 1.5 },
      { stepMs: 0 },
      { faultRate: -1 },
      { faultRate: Number.POSITIVE_INFINITY },
      { seed: 0.5 },
      { startTs: Number.NaN },
    ];
    for (const opts of bad) {
      assert.throws(
        () => createGasNetwork({ startTs: MONDAY, ...opts }),
        (err: unknown) => err instanceof GasNetworkOptionsError && err.option === Object.keys(opts)[0],
      );
    }
  });
});

describe('createGasNetwork: physical couplings over a fault-free week', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: pressure falls with flow, flow rises in the cold, nights are quiet`, () => {
      const sim = createGasNetwork({ startTs: MONDAY, seed, faultRate: 0 });
      const readings = run({ startTs: MONDAY, seed, faultRate: 0 }, 7 * TICKS_PER_DAY);
      for (const { id } of sim.stations) {
        const flow = series(readings, id, 'flow');
        const pressure = series(readings, id, 'pressure');
        const temperature = series(readings, id, 'temperature');
        assert.ok(corr(flow, pressure) < -0.9, `${id} corr(flow, pressure) ${corr(flow, pressure)}`);
        assert.ok(corr(temperature, flow) < -0.15, `${id} corr(temperature, flow) ${corr(temperature, flow)}`);
        // Without the daily rhythm in both, the heating coupling is what remains.
        const weatherCorr = corr(deseasonalise(temperature), deseasonalise(flow));
        assert.ok(weatherCorr < -0.3, `${id} deseasonalised corr(temperature, flow) ${weatherCorr}`);

        const hourOf = (i: number) => Math.floor((i % TICKS_PER_DAY) / 60);
        const night = mean(flow.filter((_, i) => hourOf(i) < 5));
        const day = mean(flow.filter((_, i) => hourOf(i) >= 7 && hourOf(i) < 21));
        assert.ok(night < 0.95 * day, `${id} night ${night} vs day ${day}`);
      }
    });
  }

  it('burns less gas at weekends than on weekdays with identical weather', () => {
    // Same seed ⇒ same weather and noise per tick; only the calendar differs (Mon vs Sat).
    const weekday = run({ startTs: MONDAY, faultRate: 0 }, 2 * TICKS_PER_DAY);
    const weekend = run({ startTs: SATURDAY, faultRate: 0 }, 2 * TICKS_PER_DAY);
    const ratio = mean(weekend.map((r) => r.channels.flow!)) / mean(weekday.map((r) => r.channels.flow!));
    assert.ok(ratio > 0.75 && ratio < 0.9, `weekend/weekday flow ${ratio}`);
    assert.deepEqual(
      weekend.map((r) => r.channels.temperature),
      weekday.map((r) => r.channels.temperature),
    );
  });
});
