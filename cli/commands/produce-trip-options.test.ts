import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import { UsageError } from '../usage-error.ts';
import { checkTripSimulationConfig, parseProduceTripFlags, parseSpeedFlag, type ProduceTripFlags } from './produce-trip-options.ts';

const NOW = Date.parse('2026-05-05T12:34:56.789Z');
const DAY = 86_400_000;
const parse = (flags: ProduceTripFlags) => parseProduceTripFlags(flags, NOW);

function usage(flags: ProduceTripFlags, pattern: RegExp): void {
  assert.throws(() => parse(flags), (e: unknown) => e instanceof UsageError && pattern.test(e.message), `${JSON.stringify(flags)} → ${pattern}`);
}

test('no flags: live from now (whole seconds), unbounded; config supplies the rest', () => {
  const r = parse({});
  assert.equal(r.mode, 'simulate');
  if (r.mode !== 'simulate') return;
  assert.equal(r.startTs, Date.parse('2026-05-05T12:34:56Z'));
  assert.equal(r.endTs, undefined);
  assert.equal(r.count, undefined);
  assert.match(r.startLabel, /live/);
  assert.deepEqual(Object.values(r.overrides).filter((v) => v !== undefined), []);
});

test('--days N: the last N days up to now; with --start: N days from there', () => {
  const r = parse({ days: '7' });
  assert.ok(r.mode === 'simulate');
  assert.equal(r.endTs, Date.parse('2026-05-05T12:34:56Z'));
  assert.equal(r.startTs, r.endTs! - 7 * DAY);
  const s = parse({ days: '0.5', start: '2025-03-10T04:00:00Z', count: '100' });
  assert.ok(s.mode === 'simulate');
  assert.equal(s.startTs, Date.parse('2025-03-10T04:00:00Z'));
  assert.equal(s.endTs, s.startTs + DAY / 2);
  assert.equal(s.count, 100);
  const rel = parse({ start: '-2d' });
  assert.ok(rel.mode === 'simulate');
  assert.equal(rel.startTs, Date.parse('2026-05-03T12:34:56Z'));
});

test('simulation flags become config overrides, as numbers', () => {
  const r = parse({ seed: '42', scale: '0.05', anomalyRate: '0.01', episodesPerDay: '3', speed: '60', demand: 'shape' });
  assert.ok(r.mode === 'simulate');
  assert.deepEqual(r.overrides, { seed: 42, scale: 0.05, anomalyRate: 0.01, episodesPerDay: 3, speed: 60, demandFile: 'shape' });
  // …which the config schema accepts as they are.
  const c = parseConfig({ producers: { trip: r.overrides } });
  assert.equal(c.producers.trip.speed, 60);
  assert.equal(parseSpeedFlag('max'), 'max');
});

test('bad values name the flag and what it expects', () => {
  usage({ scale: '-1' }, /^--scale expects a number from 0 to 10.*got '-1'/);
  usage({ scale: 'lots' }, /^--scale expects/);
  usage({ seed: '1.5' }, /^--seed expects a whole number/);
  usage({ anomalyRate: '2' }, /^--anomaly-rate expects a probability/);
  usage({ episodesPerDay: '-3' }, /^--episodes-per-day expects/);
  usage({ days: '0' }, /^--days expects a number of days > 0/);
  usage({ count: '0' }, /^--count expects a whole number ≥ 1/);
  usage({ count: '2.5' }, /^--count/);
  usage({ speed: 'fast' }, /^--speed expects a positive number.*'max'/);
  usage({ speed: '0' }, /^--speed/);
  usage({ speed: '' }, /^--speed/);
  usage({ start: 'yesterday' }, /^--start expects 'now', an ISO time/);
  usage({ demand: ' ' }, /^--demand expects/);
});

test('file and simulation flags do not mix', () => {
  usage({ file: 'x.parquet', seed: '1' }, /^--seed applies to the simulation, not to --file/);
  usage({ file: 'x.parquet', count: '5' }, /--count .*use --limit/);
  usage({ file: 'x.parquet', days: '1' }, /^--days/);
  usage({ limit: '5' }, /^--limit applies only with --file/);
  usage({ zones: 'z.csv' }, /^--zones applies only with --file/);
  usage({ file: 'x.parquet', limit: '0' }, /^--limit expects a whole number ≥ 1/);
  const r = parse({ file: 'x.parquet', limit: '10', speed: '100', zones: 'z.csv' });
  assert.deepEqual(r, { mode: 'file', file: 'x.parquet', overrides: { speed: 100 }, limit: 10, zones: 'z.csv' });
});

test('settings that publish nothing, forever, are refused', () => {
  const c = parseConfig({ producers: { trip: { scale: 0, episodesPerDay: 0 } } });
  assert.throws(() => checkTripSimulationConfig(c.producers.trip), (e: unknown) => e instanceof UsageError && /--scale 0 with --episodes-per-day 0/.test(e.message));
  checkTripSimulationConfig(parseConfig({ producers: { trip: { scale: 0 } } }).producers.trip); // surges only: fine
});

test('config: producers.trip defaults, and a bad file value names the field', () => {
  const t = parseConfig({}).producers.trip;
  assert.deepEqual(t, { seed: 1, scale: 0.01, anomalyRate: 0.002, episodesPerDay: 2, speed: 'max', maxInFlight: 1000 });
  assert.throws(() => parseConfig({ producers: { trip: { scale: 11 } } }), /producers\.trip\.scale/);
  assert.throws(() => parseConfig({ producers: { trip: { speed: 'fast' } } }), /producers\.trip\.speed/);
  assert.throws(() => parseConfig({ producers: { trip: { seeed: 1 } } }), /seeed/);
});
