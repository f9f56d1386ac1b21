import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSnapshotStoreContract } from '../../../../test/contracts/snapshot-store-contract.ts';
import { createFakeSnapshotStore } from './fake-snapshot-store.ts';

describeSnapshotStoreContract('in-memory fake', async () => createFakeSnapshotStore());

test('failSaves: the armed saves reject and keep nothing, the next one succeeds', async () => {
  const store = createFakeSnapshotStore();
  const key = { runId: 'r', domain: 'sensor', partitions: [0] };
  store.failSaves(new Error('store down'), 2);
  const snapshot = { state: '{}', seqs: { '0': 1 }, format: 'f', version: 1, takenAt: 1 };
  await assert.rejects(store.save(key, snapshot), /store down/);
  await assert.rejects(store.save(key, snapshot), /store down/);
  assert.equal(await store.load(key), undefined);
  await store.save(key, snapshot);
  assert.deepEqual(store.saves.map((s) => s.seqs), [{ '0': 1 }]);
});

test('failLoads: the armed load rejects (an unreadable snapshot), the next one reads', async () => {
  const store = createFakeSnapshotStore();
  const key = { runId: 'r', domain: 'sensor', partitions: [0] };
  await store.save(key, { state: '{}', seqs: {}, format: 'f', version: 1, takenAt: 1 });
  store.failLoads(new Error('unreadable'));
  await assert.rejects(store.load(key), /unreadable/);
  assert.equal((await store.load(key))?.state, '{}');
});
