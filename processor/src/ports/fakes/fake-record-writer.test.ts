import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeRecordWriter } from './fake-record-writer.ts';

test('failNext: the armed writes reject and keep nothing; then writes are kept in order', async () => {
  const store = createFakeRecordWriter<string>();
  store.failNext(new Error('clickhouse down'));
  await assert.rejects(store.write('a'), /clickhouse down/);
  await store.write('b');
  await store.write('c');
  assert.deepEqual(store.written, ['b', 'c']);
  assert.equal(store.calls, 3);
});

test('holdNext: the held write resolves only when released, and later writes pass it', async () => {
  const store = createFakeRecordWriter<string>();
  const held = store.holdNext();
  let done = false;
  const first = store.write('a').then(() => void (done = true));
  const h = await held;
  assert.equal(h.records, 'a');
  await store.write('b');
  assert.equal(done, false);
  assert.deepEqual(store.written, ['b']);
  h.release();
  await first;
  assert.deepEqual(store.written, ['b', 'a']);
});

test('holdNext: a failed held write rejects and keeps nothing', async () => {
  const store = createFakeRecordWriter<string>();
  const held = store.holdNext();
  const write = store.write('a');
  (await held).fail(new Error('row refused'));
  await assert.rejects(write, /row refused/);
  assert.deepEqual(store.written, []);
});
