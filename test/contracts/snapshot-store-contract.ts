import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SnapshotKey, SnapshotStore } from '../../processor/src/ports/snapshot-store.ts';
import { uniqueId } from './unique-id.ts';

const meta = { seqs: { '0': 41 }, format: 'contract', version: 1 };

/**
 * What every SnapshotStore promises the processor. `makeStore` may return the same store
 * each time: every test uses keys of its own run id.
 */
export function describeSnapshotStoreContract(name: string, makeStore: () => Promise<SnapshotStore>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    const keyOf = (partitions: readonly number[], domain = 'sensor'): SnapshotKey => ({ runId: uniqueId('run'), domain, partitions });

    test('a key never saved loads as undefined', async () => {
      const store = await makeStore();
      assert.equal(await store.load(keyOf([0])), undefined);
    });

    test('a saved state loads back as the same text and takenAt (non-ASCII and newlines kept)', async () => {
      const store = await makeStore();
      const key = keyOf([0, 1]);
      const state = JSON.stringify({ stations: { 'estación-ñ': [1.5, -0, 1e-300] }, note: 'línea 1\nlínea 2 ✓' });
      await store.save(key, { ...meta, state, takenAt: Date.UTC(2026, 4, 1, 12, 0, 0, 123) });
      assert.deepEqual(await store.load(key), { state, takenAt: Date.UTC(2026, 4, 1, 12, 0, 0, 123) });
    });

    test('a state given in pieces loads back joined, and the caller may reuse its pieces after the save', async () => {
      const store = await makeStore();
      const key = keyOf([3]);
      const pieces = ['{"a":', '[1,2,', '3]', '}'];
      await store.save(key, { ...meta, state: pieces, takenAt: 1_000 });
      pieces.splice(0, pieces.length, '{"b":0}');
      assert.equal((await store.load(key))?.state, '{"a":[1,2,3]}');
    });

    test('the partition set is a set: [1, 0] and [0, 1] are the same key', async () => {
      const store = await makeStore();
      const key = keyOf([1, 0]);
      await store.save(key, { ...meta, state: '{"k":"10"}', takenAt: 1_000 });
      assert.equal((await store.load({ ...key, partitions: [0, 1] }))?.state, '{"k":"10"}');
    });

    test('run, domain and partition set each separate snapshots', async () => {
      const store = await makeStore();
      const key = keyOf([0, 1]);
      await store.save(key, { ...meta, state: '"mine"', takenAt: 1_000 });
      assert.equal(await store.load({ ...key, partitions: [0] }), undefined);
      assert.equal(await store.load({ ...key, partitions: [0, 1, 2] }), undefined);
      assert.equal(await store.load({ ...key, domain: 'trip' }), undefined);
      assert.equal(await store.load({ ...key, runId: uniqueId('other') }), undefined);
      // Partition lists that could run together as text ([1, 2] vs [12]) are different sets.
      const joined = keyOf([1, 2]);
      await store.save(joined, { ...meta, state: '"1,2"', takenAt: 1_000 });
      assert.equal(await store.load({ ...joined, partitions: [12] }), undefined);
    });

    test('the snapshot with the latest takenAt wins, whatever order the saves came in', async () => {
      const store = await makeStore();
      const key = keyOf([0]);
      await store.save(key, { ...meta, state: '"t2"', takenAt: 2_000 });
      // A slow save of an older state, landing after the newer one: it must not replace it.
      await store.save(key, { ...meta, state: '"t1"', takenAt: 1_000 });
      assert.deepEqual(await store.load(key), { state: '"t2"', takenAt: 2_000 });
      await store.save(key, { ...meta, state: '"t3"', takenAt: 3_000 });
      assert.deepEqual(await store.load(key), { state: '"t3"', takenAt: 3_000 });
    });
  });
}
