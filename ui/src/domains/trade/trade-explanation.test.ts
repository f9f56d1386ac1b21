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
    assert.deepEqual(explanationOf([], []), { kind: 'none', caption: 'no explanation', note: '', bars: [], scale: 1 });
  });

  it('says which score the Shapley values add up to, and when a rule set a higher one', () => {
    const shapley = [{ group: 'price', value: 50.5 }, { group: 'route', value: 8.2 }];
    const byModel = explanationOf(shapley, [], 62.7, { modelScore: 62.7, baseline: 4 });
    assert.match(byModel.caption, /model's score 62\.7 = baseline 4\.0 \+ bars/);
    assert.equal(byModel.note, '');
    const byRule = explanationOf(shapley, [], 97, { modelScore: 62.7, baseline: 4 });
    assert.equal(byRule.note, 'shown score 97.0 set by the rules and signals beside the model');
    // Without the explained score (an older store) the caption names the bars only.
    assert.equal(explanationOf(shapley, [], 97, null).caption, 'Shapley value per feature group (score points)');
    assert.equal(explanationOf(shapley, [], 97, null).note, '');
  });
});
