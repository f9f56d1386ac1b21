import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from 'pino';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { ProcessorMetrics } from '../metrics.ts';
import { deferred, type Deferred } from '../ports/fakes/deferred.ts';
import { createFakeAnomalyPublisher } from '../ports/fakes/fake-anomaly-publisher.ts';
import { createFakeDeadLetterPublisher } from '../ports/fakes/fake-dead-letter-publisher.ts';
import { createFakeLiveFeed } from '../ports/fakes/fake-live-feed.ts';
import { createFakeMessageLog } from '../ports/fakes/fake-message-log.ts';
import { createFakeRecordWriter } from '../ports/fakes/fake-record-writer.ts';
import { createScriptedDomain, ScriptedDetectorError, type ScriptedRecords } from '../ports/fakes/scripted-domain.ts';
import type { SourceMessage } from '../ports/source-message.ts';
import { createBatchCommitter, type BatchOutcome } from './commit-batch.ts';
import { domainPipeline } from './domain-pipeline.ts';

// The micro-batching and the commit concurrency of domainPipeline. commitBatch returns a
// Promise, which an RxJS TestScheduler cannot drive in virtual time, so the concurrency tests
// hold commits on deferred promises instead and cut every message into its own batch
// (batchMaxEvents 1 makes bufferTime emit at once, no timer involved).

const settle = () => new Promise((r) => setImmediate(r));

// A generous bound for tests that wait for a pipeline to end, so a pipeline that never ends
// fails the test instead of hanging the run (not a performance assertion).
const PIPELINE_END_MS = 10_000;

function message(seq: number): SourceMessage {
  return { subject: `events.fake.0.k`, seq, partition: 0, data: new Uint8Array(), redelivered: false, ack() {}, nak() {}, working() {} };
}

const outcome = (events: number): BatchOutcome => ({ events, anomalies: 0, deadLetters: 0, redelivered: 0 });

/** A commitBatch whose every call waits for the test to finish it. */
function heldCommits() {
  const calls: { seqs: number[]; done: Deferred<BatchOutcome> }[] = [];
  return {
    calls,
    commitBatch(batch: SourceMessage[]): Promise<BatchOutcome> {
      const done = deferred<BatchOutcome>();
      calls.push({ seqs: batch.map((m) => m.seq), done });
      return done.promise;
    },
  };
}

test('commitConcurrency 2: a third batch waits until one of the first two commits', async () => {
  const messages = new Subject<SourceMessage>();
  const held = heldCommits();
  const outcomes: BatchOutcome[] = [];
  const sub = domainPipeline(messages, { batchMaxMs: 60_000, batchMaxEvents: 1, commitConcurrency: 2, commitBatch: held.commitBatch }).subscribe((o) => outcomes.push(o));
  for (const seq of [1, 2, 3, 4]) messages.next(message(seq));
  await settle();
  assert.deepEqual(held.calls.map((c) => c.seqs), [[1], [2]]);
  // The second commits first: the third starts in its place; the first still holds a slot.
  held.calls[1]!.done.resolve(outcome(2));
  await settle();
  assert.deepEqual(held.calls.map((c) => c.seqs), [[1], [2], [3]]);
  held.calls[0]!.done.resolve(outcome(1));
  await settle();
  assert.deepEqual(held.calls.map((c) => c.seqs), [[1], [2], [3], [4]]);
  assert.deepEqual(outcomes.map((o) => o.events), [2, 1]);
  sub.unsubscribe();
});

test('commitConcurrency defaults to 2', async () => {
  const messages = new Subject<SourceMessage>();
  const held = heldCommits();
  const sub = domainPipeline(messages, { batchMaxMs: 60_000, batchMaxEvents: 1, commitBatch: held.commitBatch }).subscribe();
  for (const seq of [1, 2, 3]) messages.next(message(seq));
  await settle();
  assert.equal(held.calls.length, 2);
  sub.unsubscribe();
});

test('commitConcurrency 1: batches commit one at a time', async () => {
  const messages = new Subject<SourceMessage>();
  const held = heldCommits();
  const sub = domainPipeline(messages, { batchMaxMs: 60_000, batchMaxEvents: 1, commitConcurrency: 1, commitBatch: held.commitBatch }).subscribe();
  for (const seq of [1, 2]) messages.next(message(seq));
  await settle();
  assert.equal(held.calls.length, 1);
  held.calls[0]!.done.resolve(outcome(1));
  await settle();
  assert.equal(held.calls.length, 2);
  sub.unsubscribe();
});

test('the pipeline completes only after the batches in flight committed', { timeout: PIPELINE_END_MS }, async () => {
  const messages = new Subject<SourceMessage>();
  const held = heldCommits();
  let completed = false;
  const all = lastValueFrom(domainPipeline(messages, { batchMaxMs: 60_000, batchMaxEvents: 2, commitBatch: held.commitBatch }).pipe(toArray())).then((o) => {
    completed = true;
    return o;
  });
  for (const seq of [1, 2, 3]) messages.next(message(seq));
  // The source ends: the last, partial batch is cut at once.
  messages.complete();
  await settle();
  assert.deepEqual(held.calls.map((c) => c.seqs), [[1, 2], [3]]);
  held.calls[1]!.done.resolve(outcome(1));
  await settle();
  assert.equal(completed, false);
  held.calls[0]!.done.resolve(outcome(2));
  assert.deepEqual((await all).map((o) => o.events), [1, 2]);
});

/** The real committer over fakes, fed by the fake log through the pipeline. */
function livePipeline(opts: { batchMaxEvents: number; commitConcurrency?: number }) {
  const log = createFakeMessageLog();
  const scripted = createScriptedDomain({ domain: 'fake', runId: 'r1' });
  const store = createFakeRecordWriter<ScriptedRecords>();
  const logger = { warn() {}, error() {}, debug() {}, info() {} } as unknown as Logger;
  const commitBatch = createBatchCommitter({
    domain: 'fake',
    core: scripted.core,
    models: scripted.models,
    store,
    alerts: createFakeAnomalyPublisher(),
    deadLetters: createFakeDeadLetterPublisher(),
    live: createFakeLiveFeed(),
    metrics: new ProcessorMetrics(),
    logger,
    now: () => 1_000,
    isStopping: () => false,
  });
  const source = log.source([0, 1]);
  const outcomes: BatchOutcome[] = [];
  const done = lastValueFrom(domainPipeline(source.messages$, { batchMaxMs: 5, commitBatch, ...opts }).pipe(toArray())).then((o) => void outcomes.push(...o));
  return { log, scripted, store, source, outcomes, done };
}

test('end to end over the fake log: every message scored in log order, stored once and acked', { timeout: PIPELINE_END_MS }, async () => {
  const p = livePipeline({ batchMaxEvents: 3 });
  for (let i = 0; i < 10; i++) p.log.append(0, 'k', `m${i}`);
  while (p.log.acks.length < 10) await new Promise((r) => setTimeout(r, 5));
  await p.source.close();
  await p.done;
  const ingested = p.scripted.steps.filter((s) => s.startsWith('ingest ')).flatMap((s) => s.slice(7).split(',').map(Number));
  assert.deepEqual(ingested, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(p.store.written.flatMap((r) => r.rows).map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(p.log.unacked(), []);
  assert.equal(p.outcomes.reduce((n, o) => n + o.events, 0), 10);
});

test('with commitConcurrency 2, a third batch is not even ingested while two commits are held', { timeout: PIPELINE_END_MS }, async () => {
  const p = livePipeline({ batchMaxEvents: 1, commitConcurrency: 2 });
  const first = p.store.holdNext();
  const second = p.store.holdNext();
  p.log.append(0, 'k', 'a');
  p.log.append(0, 'k', 'b');
  p.log.append(0, 'k', 'c');
  const [w1, w2] = [await first, await second];
  await settle();
  assert.deepEqual(p.scripted.steps, ['ingest 1', 'models 1', 'score 1', 'ingest 2', 'models 2', 'score 2']);
  w2.release();
  await settle();
  // Batch 2 is written but acks only after batch 1 (acks in log order), so its slot stays taken.
  assert.deepEqual(p.log.acks, []);
  assert.ok(!p.scripted.steps.includes('ingest 3'), 'batch 3 waits for a free slot');
  w1.release();
  while (p.log.acks.length < 3) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(p.log.acks, [1, 2, 3]);
  await p.source.close();
  await p.done;
});

test('a failure in core.score fails the pipeline: the Observable errors, that batch is not acked, no later batch is scored', { timeout: PIPELINE_END_MS }, async () => {
  const p = livePipeline({ batchMaxEvents: 1, commitConcurrency: 2 });
  const held = p.store.holdNext();
  p.log.append(0, 'k', 'a');
  p.log.append(0, 'k', 'boom');
  p.log.append(0, 'k', 'c');
  const w1 = await held;
  w1.release();
  await assert.rejects(p.done, ScriptedDetectorError);
  await settle();
  assert.deepEqual(p.log.acks, [1], 'batch 1 committed; batch 2 failed; batch 3 never ran');
  assert.ok(!p.scripted.steps.includes('ingest 3'));
  assert.deepEqual(p.log.unacked(), [2, 3]);
});
