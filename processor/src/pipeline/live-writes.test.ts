import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOMAIN_MODULES } from '../domains/registry.ts';
import { liveWrites } from './live-writes.ts';

test('the live run skips the feature vectors of every domain unless processor.liveFeatureRows', () => {
  for (const m of DOMAIN_MODULES) {
    assert.ok(m.store.writes.some((w) => w.table === 'features'), `${m.name} writes features in replays`);
    assert.ok(!liveWrites(m, false).some((w) => w.table === 'features'), m.name);
    assert.deepEqual(liveWrites(m, true), m.store.writes, m.name);
    // The events table still fills last (through a Null table's views, or directly): its rows mean "processed".
    const last = liveWrites(m, false).at(-1);
    assert.equal((last?.fills ?? [last?.table]).at(-1), m.store.eventsTable, m.name);
  }
});
