import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deferred, type Deferred } from '../../ports/fakes/deferred.ts';
import { coalesceWhileBusy } from './coalesce-while-busy.ts';

/** A run that records its items and waits until the test lets it finish. */
function heldRuns() {
  const runs: { items: readonly number[]; done: Deferred<void> }[] = [];
  let running = 0;
  let overlapped = false;
  const run = async (items: readonly number[]) => {
    running++;
    if (running > 1) overlapped = true;
    const done = deferred<void>();
    runs.push({ items, done });
    try {
      await done.promise;
    } finally {
      running--;
    }
  };
  return { runs, run, overlapped: () => overlapped };
}

const tick = () => new Promise((r) => setImmediate(r));

test('an item that arrives while nothing runs is run at once, alone', async () => {
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run);
  const p = add(1);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1]]);
  h.runs[0]!.done.resolve();
  await p;
});

test('items that arrive while a run is busy go together in the next run, in arrival order, and each settles with its run', async () => {
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run);
  const settled: number[] = [];
  const ps = [1, 2, 3, 4].map((i) => add(i).then(() => settled.push(i)));
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1]]);
  h.runs[0]!.done.resolve();
  await ps[0];
  await tick();
  assert.deepEqual(settled, [1], 'items 2–4 settle only with the run that carries them');
  assert.deepEqual(h.runs.map((r) => r.items), [[1], [2, 3, 4]]);
  const late = add(5);
  await tick();
  assert.equal(h.runs.length, 2, 'an item arriving during a run waits for it');
  h.runs[1]!.done.resolve();
  await Promise.all(ps);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1], [2, 3, 4], [5]]);
  h.runs[2]!.done.resolve();
  await late;
  assert.deepEqual(settled, [1, 2, 3, 4]);
  assert.equal(h.overlapped(), false, 'runs never overlap');
});

test('a failed run rejects every item it carried, and the items queued behind it still run', async () => {
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run);
  const first = add(1);
  await tick();
  const second = add(2);
  const third = add(3);
  const err = new Error('store down');
  h.runs[0]!.done.reject(err);
  await assert.rejects(first, (e) => e === err);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1], [2, 3]]);
  h.runs[1]!.done.reject(err);
  await assert.rejects(second, (e) => e === err);
  await assert.rejects(third, (e) => e === err);
  // Nothing is left running or queued: the next item runs at once again.
  const fourth = add(4);
  await tick();
  assert.deepEqual(h.runs.at(-1)!.items, [4]);
  h.runs.at(-1)!.done.resolve();
  await fourth;
});

test('linger: an item waits for more until the waiting weigh minWeight, then they run together', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run, { weight: (n) => n, minWeight: 10, maxWaitMs: 1000 });
  const ps = [add(3), add(4)];
  await tick();
  assert.equal(h.runs.length, 0, 'weight 7 < 10 and no time has passed: nothing runs');
  ps.push(add(5));
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[3, 4, 5]]);
  h.runs[0]!.done.resolve();
  await Promise.all(ps);
});

test('linger: the oldest item waits at most maxWaitMs, counted from its arrival, including a run before it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run, { weight: (n) => n, minWeight: 100, maxWaitMs: 1000 });
  const first = add(1);
  t.mock.timers.tick(999);
  await tick();
  assert.equal(h.runs.length, 0);
  t.mock.timers.tick(1);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1]]);
  // Arrives while the first run is busy; that run takes 600 ms, so it lingers 400 ms more.
  const second = add(2);
  t.mock.timers.tick(600);
  h.runs[0]!.done.resolve();
  await first;
  await tick();
  assert.equal(h.runs.length, 1, 'item 2 has waited 600 ms of 1000');
  t.mock.timers.tick(399);
  await tick();
  assert.equal(h.runs.length, 1);
  t.mock.timers.tick(1);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1], [2]]);
  h.runs[1]!.done.resolve();
  await second;
});

test('linger: a failed run still rejects only its own items, and the next group lingers afresh', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run, { minWeight: 2, maxWaitMs: 500 });
  const a = add(1);
  const b = add(2);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[1, 2]]);
  const err = new Error('store down');
  h.runs[0]!.done.reject(err);
  await assert.rejects(a, (e) => e === err);
  await assert.rejects(b, (e) => e === err);
  const c = add(3);
  await tick();
  assert.equal(h.runs.length, 1, 'one item of weight 1 lingers');
  t.mock.timers.tick(500);
  await tick();
  assert.deepEqual(h.runs.at(-1)!.items, [3]);
  h.runs.at(-1)!.done.resolve();
  await c;
  assert.equal(h.overlapped(), false);
});

test('linger from a rate: at a trickle an item runs at once; once items arrive that fast they linger; after a quiet window at once again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const h = heldRuns();
  const add = coalesceWhileBusy(h.run, { weight: (n) => n, minWeight: 100, maxWaitMs: 1000, lingerFromRate: 10 });
  const first = add(3);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[3]], '3 a second is below 10: no linger');
  h.runs[0]!.done.resolve();
  await first;
  t.mock.timers.tick(10);
  const burst = [add(8), add(4)];
  await tick();
  assert.equal(h.runs.length, 1, '11 within the window: the burst lingers');
  t.mock.timers.tick(1000);
  await tick();
  assert.deepEqual(h.runs.map((r) => r.items), [[3], [8, 4]], 'then runs together after maxWaitMs');
  h.runs[1]!.done.resolve();
  await Promise.all(burst);
  t.mock.timers.tick(3000);
  const late = add(1);
  await tick();
  assert.deepEqual(h.runs.at(-1)!.items, [1], 'a window without arrivals: the rate is 1 a second again');
  h.runs.at(-1)!.done.resolve();
  await late;
  assert.equal(h.overlapped(), false);
});
