// The JetStream source with cumulative acks (AckPolicy.All) as the pipeline uses it: a batch acked
// by ackBatch (one ack per partition) is never delivered again; after a "crash" (the source closed
// with a batch unacked) the server's ack floor is each partition's last committed message and
// exactly the unacked messages come back (in the server's order: nats-server 2.9 does not sort
// redeliveries, which is why the processor recreates its consumers at start); and a
// durable consumer made with explicit acks is recreated at its ack floor. Real nats-server, 1 s ack wait.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AckPolicy, jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Subscription } from 'rxjs';
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { streams, subjects } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createJetStreamSource, durableName } from '../../processor/src/adapters/nats/jetstream-source.ts';
import { ackBatch } from '../../processor/src/pipeline/ack-batch.ts';
import type { MessageSource, SourceMessage } from '../../processor/src/ports/source-message.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { uniqueId } from '../contracts/unique-id.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

const ACK_WAIT_SECONDS = 1;
const PARTITIONS = [0, 1];
const dir = tempDir('cumulative-ack');
let nats: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expireAckWait = () => sleep(ACK_WAIT_SECONDS * 1000 + 1500);

before(async () => {
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'cumulative-ack' });
  jsm = await ensureStreams(nc, parseConfig({}).streams);
});
after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir.remove();
});

/** A purged log with `perPartition` messages on each partition; their seqs per partition, in order. */
async function freshLog(perPartition: number): Promise<Map<number, number[]>> {
  await jsm.streams.purge(streams.events('sensor'));
  const js = jetstream(nc);
  const seqs = new Map<number, number[]>(PARTITIONS.map((p) => [p, []]));
  for (let i = 0; i < perPartition; i++) {
    for (const p of PARTITIONS) seqs.get(p)!.push((await js.publish(subjects.event('sensor', p, `k${p}`), new TextEncoder().encode(`m${i}`))).seq);
  }
  return seqs;
}

function collect(source: MessageSource): { got: SourceMessage[]; sub: Subscription } {
  const got: SourceMessage[] = [];
  const sub = source.messages$.subscribe({ next: (m) => void got.push(m) });
  return { got, sub };
}

async function waitFor(got: SourceMessage[], n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (got.length < n) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${n} messages; got [${got.map((m) => `${m.partition}:${m.seq}${m.redelivered ? 'r' : ''}`)}]`);
    await sleep(10);
  }
}

const open = (durablePrefix: string, cumulativeAcks: boolean) => createJetStreamSource(nc, jsm, { domain: 'sensor', partitions: PARTITIONS, durablePrefix, maxAckPending: 1000, ackWaitSeconds: ACK_WAIT_SECONDS, cumulativeAcks });
const seqsOf = (ms: SourceMessage[], p: number) => ms.filter((m) => m.partition === p).map((m) => m.seq);

test('a batch acked once per partition never comes back; after a crash the ack floor is the last committed message, and exactly the rest comes back', async () => {
  const log = await freshLog(10);
  const prefix = uniqueId('cumul');
  const first = await open(prefix, true);
  const a = collect(first);
  await waitFor(a.got, 20);
  assert.ok(a.got.every((m) => m.cumulativeAck), 'messages say their acks are cumulative');
  // The first 12 arrivals are a committed batch (each partition's share is a prefix of it, in
  // log order); the rest are a batch in flight when the process dies.
  const committed = a.got.slice(0, 12);
  ackBatch(committed);
  await sleep(200); // the acks reach the server before the "crash"
  a.sub.unsubscribe();
  await first.close();

  for (const p of PARTITIONS) {
    const info = await jsm.consumers.info(streams.events('sensor'), durableName(prefix, 'sensor', p));
    assert.equal(info.ack_floor.stream_seq, seqsOf(committed, p).at(-1) ?? 0, `partition ${p}: acked through its last committed message, no further`);
    assert.equal(info.num_ack_pending, seqsOf(a.got.slice(12), p).length, `partition ${p}: the batch in flight is pending`);
  }
  await expireAckWait();
  const second = await open(prefix, true);
  const b = collect(second);
  const lost = a.got.slice(12);
  await waitFor(b.got, lost.length);
  await sleep(300); // nothing else arrives (well within the 1 s ack wait: no redelivery yet)
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  for (const p of PARTITIONS) assert.deepEqual(sorted(seqsOf(b.got, p)), seqsOf(lost, p), `partition ${p}: exactly the unacked messages come back`);
  assert.ok(b.got.every((m) => m.redelivered), 'they are marked redelivered');
  for (const p of PARTITIONS) assert.deepEqual([...seqsOf(committed, p), ...seqsOf(lost, p)], log.get(p));

  // Acked as the pipeline would: through each partition's highest sequence.
  ackBatch(b.got);
  await expireAckWait();
  assert.equal(b.got.length, lost.length, 'acked through the last message, nothing comes back');
  for (const p of PARTITIONS) {
    const info = await jsm.consumers.info(streams.events('sensor'), durableName(prefix, 'sensor', p));
    assert.equal(info.config.ack_policy, AckPolicy.All);
    assert.equal(info.num_ack_pending, 0);
    assert.equal(info.ack_floor.stream_seq, log.get(p)!.at(-1));
  }
  b.sub.unsubscribe();
  await second.close();
});

test('a durable consumer made with explicit acks is recreated at its ack floor when reopened with cumulative acks', async () => {
  const log = await freshLog(5);
  const prefix = uniqueId('migrate');
  const explicit = await open(prefix, false);
  const a = collect(explicit);
  await waitFor(a.got, 10);
  assert.ok(a.got.every((m) => !m.cumulativeAck));
  // Partition 0 acked through its third message, partition 1 not at all.
  for (const m of a.got.filter((m) => m.partition === 0).slice(0, 3)) m.ack();
  await sleep(200);
  a.sub.unsubscribe();
  await explicit.close();

  const cumulative = await open(prefix, true);
  const b = collect(cumulative);
  await waitFor(b.got, 7);
  await sleep(300);
  assert.deepEqual(seqsOf(b.got, 0), log.get(0)!.slice(3));
  assert.deepEqual(seqsOf(b.got, 1), log.get(1));
  ackBatch(b.got);
  for (const p of PARTITIONS) assert.equal((await jsm.consumers.info(streams.events('sensor'), durableName(prefix, 'sensor', p))).config.ack_policy, AckPolicy.All);
  b.sub.unsubscribe();
  await cumulative.close();
});

test('an ack of a redelivered copy below the ack floor changes nothing', async () => {
  const log = await freshLog(5);
  const prefix = uniqueId('below');
  const source = await open(prefix, true);
  const a = collect(source);
  await waitFor(a.got, 10);
  await expireAckWait(); // unanswered: each comes again, marked redelivered
  await waitFor(a.got, 20);
  const originals = a.got.slice(0, 10);
  const copies = a.got.slice(10);
  assert.ok(copies.every((m) => m.redelivered));
  ackBatch(originals); // through each partition's last message
  await sleep(200);
  // A batch of copies of earlier messages only (their originals committed before): its ack is
  // for a sequence at or below the floor.
  ackBatch(copies.filter((m) => m.seq < log.get(m.partition)!.at(-1)!));
  await sleep(200);
  for (const p of PARTITIONS) {
    const info = await jsm.consumers.info(streams.events('sensor'), durableName(prefix, 'sensor', p));
    assert.equal(info.ack_floor.stream_seq, log.get(p)!.at(-1), `partition ${p}: the floor stays at the last message`);
    assert.equal(info.num_ack_pending, 0);
  }
  a.sub.unsubscribe();
  await source.close();
});
