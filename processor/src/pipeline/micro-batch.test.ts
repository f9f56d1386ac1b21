import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestScheduler } from 'rxjs/testing';
import { microBatch } from './micro-batch.ts';

// microBatch takes no scheduler: bufferTime uses asyncScheduler, which `run()` mode points at
// the virtual clock (AsyncScheduler delegation in RxJS 7). The 10-minute test below would not
// see its batch within the synchronous flush if the clock were real.
const scheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

test('a batch is cut when it holds maxItems, before maxMs', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('abcde|');
    expectObservable(source.pipe(microBatch(100, 2))).toBe('-x-y-(z|)', { x: ['a', 'b'], y: ['c', 'd'], z: ['e'] });
  });
});

test('a batch is cut every maxMs while items arrive, counted from the previous cut', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // a at 0, b at 5, c at 12, d at 25: windows end at 10, 20, 30.
    const source = cold('a 4ms b 6ms c 12ms d 10ms |');
    expectObservable(source.pipe(microBatch(10, 100))).toBe('10ms x 9ms y 9ms z 5ms |', { x: ['a', 'b'], y: ['c'], z: ['d'] });
  });
});

test('a count cut restarts the time window', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // a, b at 0-1 fill a batch of 2 at 1; c at 5 waits a full 10 ms from there, not from 0.
    const source = cold('ab 3ms c 20ms |');
    expectObservable(source.pipe(microBatch(10, 2))).toBe('-x 9ms y 14ms |', { x: ['a', 'b'], y: ['c'] });
  });
});

test('a quiet stream emits no empty batches', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('a 104ms b 94ms |');
    // Many 10 ms windows pass with nothing in them: only the two non-empty ones come out.
    expectObservable(source.pipe(microBatch(10, 100))).toBe('10ms x 99ms y 89ms |', { x: ['a'], y: ['b'] });
  });
});

test('a stream that never emits produces nothing, however long it runs', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('1000ms |').pipe(microBatch(10, 100))).toBe('1000ms |');
  });
});

test('completion flushes the last partial batch at once, without waiting for maxMs', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('ab 2ms c|');
    expectObservable(source.pipe(microBatch(1000, 100))).toBe('----- (x|)', { x: ['a', 'b', 'c'] });
  });
});

test('an error propagates at once; the partial batch is not emitted', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const err = new Error('source broke');
    const source = cold('ab 3ms #', undefined, err);
    expectObservable(source.pipe(microBatch(1000, 100))).toBe('----- #', undefined, err);
  });
});

test('an error after a full batch: the batch comes out, then the error', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('ab#');
    expectObservable(source.pipe(microBatch(1000, 2))).toBe('-x#', { x: ['a', 'b'] });
  });
});

test('time is virtual: a 10-minute window is cut inside one synchronous flush', () => {
  const emitted: string[][] = [];
  scheduler().run(({ cold, expectObservable, flush }) => {
    const source = cold('a 20m |');
    const out = source.pipe(microBatch(10 * 60_000, 100));
    out.subscribe((b) => emitted.push(b));
    expectObservable(out).toBe('10m x 10m |', { x: ['a'] });
    flush();
    // With the real clock the batch would be ten minutes away: nothing could be here yet.
    assert.deepEqual(emitted, [['a']]);
  });
});
