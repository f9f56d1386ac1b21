import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFairStatementQueue } from './fair-statement-queue.ts';

/** A statement that runs until the test ends it, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { statement: () => (log.push(name), done.then(() => name)), open };
}
const settle = () => new Promise((r) => setImmediate(r));

test("lanes take turns: one lane's long queue delays another's statement by the one running, not by the queue", async () => {
  const q = createFairStatementQueue();
  const log: string[] = [];
  const trips = Array.from({ length: 5 }, (_, i) => gate(log, `trip${i}`));
  const sensor = gate(log, 'sensor');
  const results = trips.map((t) => q.run('trip', t.statement));
  await settle();
  results.push(q.run('sensor', sensor.statement));
  assert.deepEqual(log, ['trip0'], 'one statement at a time');
  assert.deepEqual(q.waiting(), { trip: 4, sensor: 1 });
  trips[0]!.open();
  await settle();
  assert.deepEqual(log, ['trip0', 'sensor'], 'the sensor statement runs next, before the trip queue');
  sensor.open();
  for (const t of trips.slice(1)) t.open();
  assert.deepEqual(await Promise.all(results), ['trip0', 'trip1', 'trip2', 'trip3', 'trip4', 'sensor']);
  assert.deepEqual(log, ['trip0', 'sensor', 'trip1', 'trip2', 'trip3', 'trip4'], 'a lane keeps its own order');
});

test('three busy lanes are served round-robin', async () => {
  const q = createFairStatementQueue();
  const log: string[] = [];
  const runs = ['a', 'b', 'c'].flatMap((lane) => [1, 2].map((i) => q.run(lane, async () => void log.push(`${lane}${i}`))));
  await Promise.all(runs);
  assert.deepEqual(log, ['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
});

test('a failing statement rejects its caller only, and the queue goes on', async () => {
  const q = createFairStatementQueue();
  const failed = q.run('a', async () => {
    throw new Error('insert failed');
  });
  const thrown = q.run('a', () => {
    throw new Error('threw before its promise');
  });
  const next = q.run('b', async () => 42);
  await assert.rejects(failed, /insert failed/);
  await assert.rejects(thrown, /threw before/);
  assert.equal(await next, 42);
});

test('concurrency 2 runs two statements at once; busySinceMs is the oldest running', async () => {
  let now = 1000;
  const q = createFairStatementQueue({ concurrency: 2, now: () => now });
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  const c = gate(log, 'c');
  assert.equal(q.busySinceMs(), undefined);
  const runs = [q.run('x', a.statement)];
  now = 1500;
  runs.push(q.run('y', b.statement), q.run('z', c.statement));
  await settle();
  assert.deepEqual(log, ['a', 'b']);
  assert.equal(q.busySinceMs(), 1000);
  a.open();
  await settle();
  assert.deepEqual(log, ['a', 'b', 'c']);
  assert.equal(q.busySinceMs(), 1500);
  b.open();
  c.open();
  await Promise.all(runs);
  assert.equal(q.busySinceMs(), undefined);
  assert.deepEqual(q.waiting(), {});
});

test('observe is told how long each statement waited for its turn and ran', async () => {
  let now = 0;
  const seen: [string, number, number][] = [];
  const q = createFairStatementQueue({ now: () => now, observe: (lane, waited, ran) => seen.push([lane, waited, ran]) });
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = q.run('trip', a.statement);
  const second = q.run('sensor', async () => void (now += 5));
  now = 300;
  a.open();
  await Promise.all([first, second]);
  assert.deepEqual(seen, [
    ['trip', 0, 300],
    ['sensor', 300, 5],
  ]);
});

test('each running statement has a slot (a session) of its own, and a lane never holds two', async () => {
  const q = createFairStatementQueue({ concurrency: 2 });
  const inUse = new Set<number>();
  const seen: string[] = [];
  const statement = (name: string) => async (slot: number) => {
    assert.ok(!inUse.has(slot), `slot ${slot} shared`);
    inUse.add(slot);
    seen.push(`${name}@${slot}`);
    await new Promise((r) => setImmediate(r));
    inUse.delete(slot);
  };
  await Promise.all([q.run('trip', statement('t1')), q.run('trip', statement('t2')), q.run('sensor', statement('s1')), q.run('health', statement('h1'))]);
  assert.deepEqual(seen.slice(0, 2), ['t1@0', 's1@1'], 'the trip lane takes one slot; the other serves another lane');
  assert.equal(seen.length, 4);
});
