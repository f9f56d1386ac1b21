import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../../../store/src/index.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { SnapshotUnreadableError } from '../../core/processor-state.ts';
import { createClickHouseSnapshotStore } from './clickhouse-snapshot-store.ts';

const dir = tempDir('snapshot-store');
let store: Store;
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
});
after(async () => {
  await store.close();
  dir.remove();
});

test('a snapshot is stored gzipped (a fraction of its JSON) and loads back as the same text', async () => {
  const snapshots = createClickHouseSnapshotStore(store.client);
  const key = { runId: 'live', domain: 'sensor', partitions: [1, 0] };
  const state = JSON.stringify({ format: 'f', version: 2, seqs: { '0': 5 }, stations: Array.from({ length: 2000 }, (_, i) => ({ station: `s${i}`, means: new Array(505).fill(0) })) });
  await snapshots.save(key, { state, seqs: { '0': 5 }, format: 'f', version: 2, takenAt: Date.UTC(2026, 0, 1) });
  const loaded = await snapshots.load(key);
  assert.equal(loaded?.state, state);
  const [row] = (await (await store.client.query({ query: 'SELECT length(state) AS stored, bytes FROM processor_snapshots', format: 'JSONEachRow' })).json()) as { stored: number; bytes: number }[];
  assert.equal(Number(row!.bytes), state.length);
  assert.ok(Number(row!.stored) * 20 < state.length, `stored ${row!.stored} of ${state.length}`);
});

test('a state given in pieces is stored as consecutive gzip members and loads back joined', async () => {
  const snapshots = createClickHouseSnapshotStore(store.client);
  const key = { runId: 'pieces', domain: 'sensor', partitions: [0] };
  const pieces = ['{"stations":[', ...Array.from({ length: 6000 }, (_, i) => `${i ? ',' : ''}{"s":"s${i}","x":[${new Array(200).fill(i % 7).join(',')}]}`), ']}'];
  await snapshots.save(key, { state: pieces, seqs: {}, format: 'f', version: 2, takenAt: Date.UTC(2026, 0, 1) });
  const loaded = await snapshots.load(key);
  assert.equal(loaded?.state, pieces.join(''));
  assert.ok(pieces.join('').length > 2 * (1 << 20), 'more than one gzip member');
});

test('a plain JSON state written before snapshots were gzipped still loads', async () => {
  const key = { runId: 'old', domain: 'sensor', partitions: [0] };
  const state = '{"format":"f","version":1}';
  await store.client.insert({
    table: 'processor_snapshots',
    values: [{ run_id: 'old', domain: 'sensor', partitions: '0', format: 'f', version: 1, seqs: '{}', state, bytes: state.length, taken_at: Date.UTC(2026, 0, 1) }],
    format: 'JSONEachRow',
  });
  assert.equal((await createClickHouseSnapshotStore(store.client).load(key))?.state, state);
});

test('a state longer than a string can be is neither written nor read: the processor rebuilds from the log instead', async () => {
  const key = { runId: 'huge', domain: 'sensor', partitions: [0] };
  const state = ['{"x":"', 'y'.repeat(5000), '"}'];
  await assert.rejects(createClickHouseSnapshotStore(store.client, 1000).save(key, { state, seqs: {}, format: 'f', version: 2, takenAt: Date.UTC(2026, 0, 1) }), /larger than the largest string \(1000\)/);
  await createClickHouseSnapshotStore(store.client).save(key, { state, seqs: {}, format: 'f', version: 2, takenAt: Date.UTC(2026, 0, 1) });
  await assert.rejects(createClickHouseSnapshotStore(store.client, 1000).load(key), SnapshotUnreadableError);
});
