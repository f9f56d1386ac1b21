import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FetchLike } from './station-api.ts';
import { createStationList, type StationListState } from './station-list.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));
const ROW = { station: 'st-001', readings: 3, lastTs: 9, channels: ['flow', 'pressure'], anomalies: 0, lastAnomalyTs: null };

describe('createStationList', () => {
  it('loads on subscribe, refreshes on its interval, keeps the last list through a failure, and stops when left', async () => {
    const answers: Array<() => ReturnType<FetchLike>> = [
      async () => ({ ok: true, status: 200, json: async () => ({ stations: [ROW] }) }),
      async () => ({ ok: false, status: 500, json: async () => ({ error: 'boom' }) }),
    ];
    let calls = 0;
    const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
    const list = createStationList({
      intervalMs: 3000,
      api: { fetch: () => answers[calls++]!() },
      delay: (run, ms) => {
        const t = { run, ms, cancelled: false };
        timers.push(t);
        return () => void (t.cancelled = true);
      },
    });
    const seen: StationListState[] = [];
    const stop = list.subscribe((s) => seen.push(s));
    assert.deepEqual(seen.at(-1), { stations: [], loaded: false, error: null });
    await tick();
    assert.deepEqual(seen.at(-1), { stations: [ROW], loaded: true, error: null });
    assert.equal(timers.length, 1);
    assert.equal(timers[0]!.ms, 3000);
    timers[0]!.run();
    await tick();
    assert.deepEqual(seen.at(-1)!.stations, [ROW]);
    assert.match(seen.at(-1)!.error ?? '', /500: boom/);
    stop();
    assert.equal(timers.at(-1)!.cancelled, true);
  });
});
