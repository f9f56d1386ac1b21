import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscardPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, PipelinedPublisher, PublisherClosedError, PublishFailedError } from '../../nats/index.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('pipelined-publisher');
});
after(() => dir?.remove());

/**
 * The probe from the security review: `vigia bench nab` died with an uncaught
 * ClosedConnectionError thrown by the publisher's resend timer after the bench closed the
 * connection in its `finally`. Acks never come here (the stream is gone), so messages stay
 * pending and the timer wants to resend them on a closed connection.
 */
test('a connection closed under pending publishes fails them with PublisherClosedError, never an uncaught error from the timer', async () => {
  const nats = await startTestNats(dir.path);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PUBTEST', subjects: ['pubtest.>'] });
    // A tiny ack timeout so the resend timer is due while the connection is closed.
    const publisher = new PipelinedPublisher(nc, { ackTimeoutMs: 50, maxInFlight: 100 });
    for (let i = 0; i < 10; i++) await publisher.publish({ subject: 'pubtest.a', data: `m${i}`, msgId: `ok-${i}` });
    await publisher.flush();
    assert.equal(publisher.acked, 10);

    // Messages to a subject no stream takes: JetStream never acks them (503 → retried).
    for (let i = 0; i < 5; i++) await publisher.publish({ subject: 'nowhere.a', data: 'x', msgId: `lost-${i}` });
    const flushed = publisher.flush();
    await nc.close();
    await assert.rejects(flushed, PublisherClosedError);
    await new Promise((r) => setTimeout(r, 800)); // several timer ticks after the close
    await publisher.close();
    await publisher.close(); // twice is harmless
    await assert.rejects(publisher.publish({ subject: 'pubtest.a', data: 'late', msgId: 'late' }), PublisherClosedError);
    assert.deepEqual(uncaught, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    await nats.stop();
  }
});

/** The msg id of every message the stream holds, in order (an ordered consumer reads them all). */
async function storedMsgIds(nc: NatsConnection, jsm: JetStreamManager, stream: string): Promise<string[]> {
  const total = (await jsm.streams.info(stream)).state.messages;
  const ids: string[] = [];
  if (total === 0) return ids;
  const messages = await (await jetstream(nc).consumers.get(stream)).consume({ max_messages: 1000 });
  for await (const m of messages) {
    ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return ids;
}

test('a saturated window and resends before the ack: every message stored exactly once, in order', async () => {
  const nats = await startTestNats(dir.path);
  const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ONCE', subjects: ['once.>'] });
    // A window far smaller than the run, and no ack timeout at all: every resend tick (5 ms) sends
    // whatever is pending again while its first ack is still on its way; only the msg id keeps
    // those from doubling.
    const publisher = new PipelinedPublisher(nc, { maxInFlight: 64, ackTimeoutMs: 0, retryNotReadyMs: 5, maxAttempts: 10_000 });
    const n = 20_000;
    let widest = 0;
    for (let i = 0; i < n; i++) {
      await publisher.publish({ subject: `once.${i % 3}`, data: `m${i}`, msgId: `once-${i}` });
      widest = Math.max(widest, publisher.inFlight);
    }
    // The same ids again (a producer restarted mid-run): JetStream keeps the first copy.
    for (let i = 0; i < 100; i++) await publisher.publish({ subject: 'once.0', data: 'again', msgId: `once-${i}` });
    await publisher.flush();
    await publisher.close();
    assert.ok(widest <= 64, `at most 64 in flight, saw ${widest}`);
    assert.ok(publisher.resent > 0, 'some messages were sent again before their ack came');
    assert.equal(publisher.acked, n + 100);
    const ids = await storedMsgIds(nc, jsm, 'ONCE');
    assert.equal(ids.length, n);
    assert.deepEqual(ids, Array.from({ length: n }, (_, i) => `once-${i}`));
  } finally {
    await nc.close();
    await nats.stop();
  }
});

test('a stream that refuses messages (max msgs, discard new) fails the publisher with the server\'s reason at once', async () => {
  const nats = await startTestNats(dir.path);
  const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'FULL', subjects: ['full.>'], max_msgs: 10, discard: DiscardPolicy.New });
    const publisher = new PipelinedPublisher(nc, { maxInFlight: 4 });
    const started = Date.now();
    const err = await (async () => {
      for (let i = 0; i < 50; i++) await publisher.publish({ subject: 'full.a', data: `m${i}`, msgId: `full-${i}` });
      await publisher.flush();
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof PublishFailedError, `expected PublishFailedError, got ${String(err)}`);
    assert.match(err.message, /maximum messages/);
    assert.equal(err.attempts, 1, 'not retried: the stream would refuse it again');
    assert.ok(Date.now() - started < 5000, 'surfaced at once, not after the retries');
    await assert.rejects(publisher.publish({ subject: 'full.a', data: 'late', msgId: 'late' }), PublishFailedError);
    await publisher.close();
    assert.equal((await jsm.streams.info('FULL')).state.messages, 10);
  } finally {
    await nc.close();
    await nats.stop();
  }
});

test('a subject no stream takes: retried while JetStream might come up, then a PublishFailedError naming the subject, never a hang', async () => {
  const nats = await startTestNats(dir.path);
  const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  try {
    const publisher = new PipelinedPublisher(nc, { maxAttempts: 3, retryNotReadyMs: 50 });
    await publisher.publish({ subject: 'nostream.a', data: 'x', msgId: 'nostream-1' });
    const err = await publisher.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof PublishFailedError, `expected PublishFailedError, got ${String(err)}`);
    assert.equal(err.subject, 'nostream.a');
    assert.equal(err.attempts, 3);
    assert.match(err.message, /no responders/);
    await publisher.close();
  } finally {
    await nc.close();
    await nats.stop();
  }
});

test('publishAll: batches larger than the window resolve once every message is stored; a refused batch rejects alone and the publisher goes on', async () => {
  const nats = await startTestNats(dir.path);
  const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BATCH', subjects: ['batch.>'] });
    await jsm.streams.add({ name: 'SMALL', subjects: ['small.>'], max_msgs: 3, discard: DiscardPolicy.New });
    const publisher = new PipelinedPublisher(nc, { maxInFlight: 50, maxAttempts: 3, retryNotReadyMs: 20 });
    let widest = 0;
    const watch = setInterval(() => (widest = Math.max(widest, publisher.inFlight)), 1);
    const batch = (name: string, n: number) => Array.from({ length: n }, (_, i) => ({ subject: `batch.${name}`, data: `${name}${i}`, msgId: `${name}-${i}` }));
    // Two batches at once, each four times the window: they share it.
    await Promise.all([publisher.publishAll(batch('a', 200)), publisher.publishAll(batch('b', 200))]);
    assert.equal((await jsm.streams.info('BATCH')).state.messages, 400);

    // The stream takes 3, refuses the 4th and 5th: that call rejects with the server's reason…
    const refused = await publisher.publishAll(Array.from({ length: 5 }, (_, i) => ({ subject: 'small.x', data: `s${i}`, msgId: `small-${i}` }))).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(refused instanceof PublishFailedError, `expected PublishFailedError, got ${String(refused)}`);
    assert.match(refused.message, /maximum messages/);
    // …and a message nothing acks (no stream takes its subject) fails its call after its attempts…
    const lost = await publisher.publishAll([{ subject: 'nowhere.x', data: 'x', msgId: 'nowhere-1' }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(lost instanceof PublishFailedError && lost.subject === 'nowhere.x' && lost.attempts === 3, `expected a PublishFailedError after 3 attempts, got ${String(lost)}`);
    // …while the publisher, other batches and publish() go on.
    await publisher.publishAll(batch('c', 120));
    await publisher.publish({ subject: 'batch.d', data: 'd', msgId: 'd-0' });
    await publisher.flush();
    clearInterval(watch);
    assert.equal((await jsm.streams.info('BATCH')).state.messages, 521);
    assert.equal((await jsm.streams.info('SMALL')).state.messages, 3);
    assert.ok(widest <= 50, `at most 50 in flight, saw ${widest}`);
    await publisher.close();
  } finally {
    await nc.close();
    await nats.stop();
  }
});

test('publishAll: an empty batch resolves at once; a closed publisher rejects with PublisherClosedError', async () => {
  const nats = await startTestNats(dir.path);
  const nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  try {
    const publisher = new PipelinedPublisher(nc);
    await publisher.publishAll([]);
    // Nothing takes the subject, so the batch is still waiting for an ack when the publisher closes.
    const waiting = publisher.publishAll([{ subject: 'nowhere.y', data: 'y', msgId: 'y-1' }]);
    await new Promise((r) => setTimeout(r, 50));
    await publisher.close();
    await assert.rejects(waiting, PublisherClosedError);
    await assert.rejects(publisher.publishAll([{ subject: 'nowhere.y', data: 'y', msgId: 'y-2' }]), PublisherClosedError);
  } finally {
    await nc.close();
    await nats.stop();
  }
});
