import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStoreProbe, type StoreProbeOptions } from './store-probe.ts';

/** A fake clock and timer, and a ping the test answers by hand. */
function harness(over: Partial<StoreProbeOptions> = {}) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const pings: { resolve(): void; reject(e: Error): void }[] = [];
  let busySince: number | undefined;
  const probe = createStoreProbe({
    ping: () => new Promise<void>((resolve, reject) => pings.push({ resolve, reject })),
    everyMs: 1000,
    stuckAfterMs: 30_000,
    label: 'embedded',
    now: () => now,
    busySinceMs: () => busySince,
    after: (ms, fn) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return () => timers.splice(timers.indexOf(t), 1);
    },
    ...over,
  });
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    probe,
    pings,
    setBusy: (ms: number | undefined) => (busySince = ms),
    async advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
      await flush();
    },
    flush,
  };
}

test('pings at once, one at a time, the next everyMs after each answer; /health reads the last answer and its age', async () => {
  const h = harness();
  assert.equal(h.pings.length, 1, 'the first ping goes out at once');
  assert.deepEqual(h.probe.check(), { ok: true, detail: 'embedded: first ping in flight' });
  await h.advance(5000);
  assert.equal(h.pings.length, 1, 'no second ping while one is outstanding');
  h.pings[0]!.resolve();
  await h.flush();
  assert.deepEqual(h.probe.check(), { ok: true, detail: 'embedded: ping 5000 ms, 0.0 s ago' });
  await h.advance(999);
  assert.equal(h.pings.length, 1);
  await h.advance(1);
  assert.equal(h.pings.length, 2, 'the next ping everyMs after the answer');
  await h.advance(500);
  assert.deepEqual(h.probe.check(), { ok: true, detail: 'embedded: ping 5000 ms, 1.5 s ago' }, 'the last answer while the next ping waits');
  h.probe.stop();
});

test('a failed ping is reported until a later one succeeds', async () => {
  const h = harness();
  h.pings[0]!.reject(new Error('Code: 999. store gone'));
  await h.flush();
  await h.advance(200);
  assert.deepEqual(h.probe.check(), { ok: false, detail: 'embedded: ping failed 0.2 s ago: Code: 999. store gone' });
  await h.advance(1000);
  h.pings[1]!.resolve();
  await h.flush();
  assert.equal(h.probe.check().ok, true);
  h.probe.stop();
});

test('a ping outstanding longer than stuckAfterMs makes the store not ok at once, whatever the last answer said', async () => {
  const h = harness();
  h.pings[0]!.resolve();
  await h.flush();
  await h.advance(1000);
  await h.advance(30_000);
  assert.equal(h.probe.check().ok, true, 'exactly at the bound: still ok');
  await h.advance(1);
  assert.deepEqual(h.probe.check(), { ok: false, detail: 'embedded: a ping has had no answer for 30.0 s' });
  h.pings[1]!.resolve();
  await h.flush();
  assert.equal(h.probe.check().ok, true);
  h.probe.stop();
});

test('any statement running longer than stuckAfterMs makes the store not ok', async () => {
  const h = harness();
  h.pings[0]!.resolve();
  await h.flush();
  h.setBusy(0);
  await h.advance(29_000);
  assert.equal(h.probe.check().ok, true);
  await h.advance(2_000);
  assert.deepEqual(h.probe.check(), { ok: false, detail: 'embedded: a statement has run for 31.0 s' });
  h.setBusy(undefined);
  assert.equal(h.probe.check().ok, true);
  h.probe.stop();
});

test('stop() ends the pings', async () => {
  const h = harness();
  h.pings[0]!.resolve();
  await h.flush();
  h.probe.stop();
  await h.advance(10_000);
  assert.equal(h.pings.length, 1);
});
