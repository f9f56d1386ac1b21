import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoreOutage, withStoreOutage, StoreUnavailableError } from './outage-injector.ts';

test('writes fail only inside the outage window, measured from the first write', async () => {
  let t = 1000;
  let written = 0;
  const store = withStoreOutage({ write: async () => void written++ }, { afterMs: 100, forMs: 50 }, () => t);
  await store.write({} as never);
  t = 1120;
  await assert.rejects(store.write({} as never), StoreUnavailableError);
  t = 1150;
  await store.write({} as never);
  assert.equal(written, 2);
  assert.deepEqual(parseStoreOutage('2000:30000'), { afterMs: 2000, forMs: 30000 });
  assert.equal(parseStoreOutage(undefined), undefined);
  assert.throws(() => parseStoreOutage('soon'), /afterMs:forMs/);
});
