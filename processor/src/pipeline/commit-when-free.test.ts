import assert from 'node:assert/strict';
import { test } from 'node:test';
import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { commitWhenFree } from './commit-when-free.ts';

// Marble tests on virtual time: run mode points asyncScheduler (the operator's timer) and
// `timer` (the fake commits' duration) at the TestScheduler's clock.
const scheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
/** A commit that takes `ms` and answers with its batch joined, e.g. 'ab'. */
const commitTaking = (ms: number, seen: string[][] = []) => (batch: string[]) => {
  seen.push(batch);
  return timer(ms).pipe(map(() => batch.join('')));
};

test('a batch is cut when it holds maxItems, before maxMs', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('abcde|');
    expectObservable(source.pipe(commitWhenFree({ maxItems: 2, maxMs: 100, concurrency: 4, commit: commitTaking(1) }))).toBe('--x-y-(z|)', { x: 'ab', y: 'cd', z: 'e' });
  });
});

test('a batch is cut maxMs after its first item while a slot is free', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // a at 0, b at 5: cut at 10 (committed at 11); c at 30: cut at 40 (41); completion at 50.
    const source = cold('a 4ms b 24ms c 19ms |');
    expectObservable(source.pipe(commitWhenFree({ maxItems: 100, maxMs: 10, concurrency: 1, commit: commitTaking(1) }))).toBe('11ms x 29ms y 8ms |', { x: 'ab', y: 'c' });
  });
});

test('while every slot is busy nothing is cut: the next free slot takes everything waiting, up to maxItems', () => {
  scheduler().run(({ cold, expectObservable, flush }) => {
    const seen: string[][] = [];
    // a at 0 cut at 10, its commit takes 50 ms (to 60); b…f arrive meanwhile.
    const source = cold('a 19ms b 9ms c 9ms d 9ms e 9ms f 30ms |');
    const out = source.pipe(commitWhenFree({ maxItems: 3, maxMs: 10, concurrency: 1, commit: commitTaking(50, seen) }));
    // a's slot frees at 60: b, c, d (maxItems) go at once, done at 110; e, f then, done at 160.
    expectObservable(out).toBe('60ms x 49ms y 49ms (z|)', { x: 'a', y: 'bcd', z: 'ef' });
    flush();
    assert.deepEqual(seen, [['a'], ['b', 'c', 'd'], ['e', 'f']]);
  });
});

test('up to `concurrency` commits overlap, and their outcomes come out as they finish', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const durations = [30, 5];
    let n = 0;
    const commit = (batch: string[]) => timer(durations[n++] ?? 1).pipe(map(() => batch.join('')));
    const source = cold('ab 20ms |');
    // a, b cut at 0 and 1 (maxItems 1), both commit at once; b finishes first.
    expectObservable(source.pipe(commitWhenFree({ maxItems: 1, maxMs: 10, concurrency: 2, commit }))).toBe('------b 23ms (a|)', { a: 'a', b: 'b' });
  });
});

test('a quiet stream cuts no empty batches, and completion flushes what waits', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const source = cold('a 104ms b|');
    expectObservable(source.pipe(commitWhenFree({ maxItems: 100, maxMs: 10, concurrency: 2, commit: commitTaking(1) }))).toBe('11ms x 95ms (y|)', { x: 'a', y: 'b' });
  });
});

test('a failed commit errors the stream; an upstream error too', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const failing = () => cold<string>('--#', undefined, new Error('store down'));
    expectObservable(cold('a|').pipe(commitWhenFree({ maxItems: 1, maxMs: 10, concurrency: 1, commit: failing }))).toBe('--#', undefined, new Error('store down'));
    expectObservable(cold('a-#', undefined, new Error('source lost')).pipe(commitWhenFree({ maxItems: 5, maxMs: 10, concurrency: 1, commit: commitTaking(1) }))).toBe('--#', undefined, new Error('source lost'));
  });
});

test('time is virtual: a 10-minute bound is honoured inside one synchronous flush', () => {
  const out: string[] = [];
  const s = scheduler();
  s.run(({ cold }) => {
    cold('a 30s |').pipe(commitWhenFree({ maxItems: 100, maxMs: 600_000, concurrency: 1, commit: commitTaking(1) })).subscribe((x) => out.push(x));
    s.flush();
  });
  assert.deepEqual(out, ['a']);
});

test('while the source says a full batch is queued behind the last item, the time bound waits for it, up to maxHoldMs', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // Items name how many are queued behind them. a (3 behind) at 0: not cut at 10 but held;
    // b, c arrive by 25 and fill the batch (maxItems 3): cut at once.
    const behind = (x: string) => Number(x.slice(1));
    const source = cold('a 9ms b 14ms c 30ms |', { a: 'a3', b: 'b2', c: 'c1' });
    expectObservable(source.pipe(commitWhenFree({ maxItems: 3, maxMs: 10, maxHoldMs: 100, behind, concurrency: 1, commit: commitTaking(1) }))).toBe('26ms x 29ms |', { x: 'a3b2c1' });
  });
});

test('a held batch is cut when the hold runs out, and one with too little queued behind it is not held', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const behind = (x: string) => Number(x.slice(1));
    // a says 5 behind, but nothing more comes before the hold (50 ms) runs out.
    expectObservable(cold('a 99ms |', { a: 'a5' }).pipe(commitWhenFree({ maxItems: 3, maxMs: 10, maxHoldMs: 50, behind, concurrency: 1, commit: commitTaking(1) }))).toBe('51ms x 48ms |', { x: 'a5' });
    // b says 1 behind: 2 items cannot fill a batch of 3, so the usual 10 ms bound cuts it.
    expectObservable(cold('b 99ms |', { b: 'b1' }).pipe(commitWhenFree({ maxItems: 3, maxMs: 10, maxHoldMs: 50, behind, concurrency: 1, commit: commitTaking(1) }))).toBe('11ms x 88ms |', { x: 'b1' });
  });
});
