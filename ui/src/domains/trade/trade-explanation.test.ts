import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explanationOf } from './trade-explanation.ts';

const driver = (feature: string, score: number) => ({ feature, score, value: 1, expected: null, reason: '' });

describe('explanationOf', () => {
  it('shows Shapley values, largest magnitude first, scaled to the largest', () => {
    const e = explanationOf([{ group: 'route', value: 3 }, { group: 'price', value: 41.5 }, { group: 'volume', value: -7 }], [driver('price.uv_z', 90)]);
    assert.equal(e.kind, 'shapley');
    assert.deepEqual(e.bars.map((b) => [b.group, b.value]), [['price', 41.5], ['volume', -7], ['route', 3]]);
    assert.equal(e.scale, 41.5);
  });

  it('without Shapley values, groups the drivers by feature group as drivers', () => {
    const e = explanationOf(undefined, [driver('price.uv_z', 88), driver('route.cp_new', 72), driver('price.uv_dest_z', 60)]);
    assert.equal(e.kind, 'drivers');
    assert.deepEqual(e.bars, [
      { group: 'price', value: 88, features: 'uv_z, uv_dest_z' },
      { group: 'route', value: 72, features: 'cp_new' },
    ]);
    assert.equal(e.scale, 100);
  });

  it('an empty attribution list falls back to the drivers; nothing at all is none', () => {
    assert.equal(explanationOf([], [driver('quota.quota_used', 97)]).kind, 'drivers');
    assert.deepEqual(explanationOf([], []), { kind: 'none', bars: [], scale: 1 });
  });
});
