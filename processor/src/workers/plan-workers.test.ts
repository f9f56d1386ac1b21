import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWorkers, workerCount } from './plan-workers.ts';

const P = [0, 1, 2, 3];

test('0 workers: nothing runs off the main thread', () => {
  assert.deepEqual(planWorkers(['sensor', 'trip'], P, 0), []);
});

test("'auto' is one worker per domain, each with every partition", () => {
  const plans = planWorkers(['sensor', 'trip'], P, workerCount('auto', ['sensor', 'trip']));
  assert.deepEqual(plans, [
    { assignments: [{ domain: 'sensor', partitions: P, splits: 1 }] },
    { assignments: [{ domain: 'trip', partitions: P, splits: 1 }] },
  ]);
});

test('fewer workers than domains: domains are dealt round-robin, whole', () => {
  const plans = planWorkers(['a', 'b', 'c'], P, 2);
  assert.deepEqual(plans.map((p) => p.assignments.map((a) => a.domain)), [['a', 'c'], ['b']]);
  assert.ok(plans.every((p) => p.assignments.every((a) => a.partitions.length === 4 && a.splits === 1)));
});

test('more workers than domains: partitions are split, every partition exactly once per domain', () => {
  const plans = planWorkers(['sensor', 'trip'], P, 5);
  assert.equal(plans.length, 5);
  const sensor = plans.flatMap((p) => p.assignments).filter((a) => a.domain === 'sensor');
  const trip = plans.flatMap((p) => p.assignments).filter((a) => a.domain === 'trip');
  assert.deepEqual(sensor.map((a) => a.partitions), [[0, 3], [1], [2]]);
  assert.deepEqual(trip.map((a) => a.partitions), [[0, 2], [1, 3]]);
  assert.deepEqual([...new Set(sensor.map((a) => a.splits))], [3]);
  assert.ok(plans.every((p) => p.assignments.length === 1));
});

test('a domain never gets more workers than partitions', () => {
  const plans = planWorkers(['sensor'], [0, 1], 8);
  assert.deepEqual(plans.map((p) => p.assignments[0]!.partitions), [[0], [1]]);
});
