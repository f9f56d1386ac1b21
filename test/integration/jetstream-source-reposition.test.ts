// The JetStream source's consumer replacement on a real nats-server. Deliveries a partition's
// consumer made elsewhere (here: a second client pulling from the same durable, as a pull
// answered into a dropped connection would look) show as a jump in its delivery sequence; the
// source then recreates the consumer just after the last message it passed on. The new consumer
// owes nothing to the old one's deliveries, so its capacity (what `backlog` counts as
// deliverable before anything is acked) starts full even while the old messages are still held.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AckPolicy, jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { streams, subjects } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createJetStreamSource, durableName } from '../../processor/src/adapters/nats/jetstream-source.ts';
import type { SourceMessage } from '../../processor/src/ports/source-message.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { uniqueId } from '../contracts/unique-id.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

const MAX_ACK_PENDING = 6;
const dir = tempDir('source-reposition');
let nats: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'source-reposition' });
  jsm = await ensureStreams(nc, parseConfig({}).streams);
});
after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir.remove();
});

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('a replaced consumer starts with none of the old one\'s deliveries counted as unacked', async () => {
  await jsm.streams.purge(streams.events('sensor'));
  const js = jetstream(nc);
  const publish = async (i: number) => (await js.publish(subjects.event('sensor', 0, 'k'), new TextEncoder().encode(`m${i}`))).seq;
  const durablePrefix = uniqueId('reposition');
  const name = durableName(durablePrefix, 'sensor', 0);
  await jsm.consumers.add(streams.events('sensor'), { durable_name: name, ack_policy: AckPolicy.Explicit, filter_subject: subjects.eventsOfPartition('sensor', 0), max_ack_pending: MAX_ACK_PENDING, ack_wait: nanos(30_000), max_deliver: -1 });
  const other = await js.consumers.get(streams.events('sensor'), name);
  const fetched: number[] = [];
  const fetchOne = async () => { for await (const m of await other.fetch({ max_messages: 1, expires: 10_000 })) { fetched.push(m.seq); m.ack(); } };
  const fetchA = fetchOne();
  await sleep(300);
  const repositions: (number | 'start')[] = [];
  const source = await createJetStreamSource(nc, jsm, {
    domain: 'sensor', partitions: [0], durablePrefix, maxAckPending: MAX_ACK_PENDING, ackWaitSeconds: 30, pullBatch: 3,
    onReposition: (_p, from) => void repositions.push(from),
  });
  const got: { m: SourceMessage; afterReposition: boolean }[] = [];
  const sub = source.messages$.subscribe((m) => void got.push({ m, afterReposition: repositions.length > 0 }));
  try {
    await sleep(300);
    const fetchB = fetchOne();
    await sleep(300);
    // Pulls are answered in turn: the 1st message to A, the 2nd to the source, the 3rd to B.
    for (let i = 0; i < 3; i++) await publish(i);
    await Promise.all([fetchA, fetchB]);
    assert.deepEqual({ fetched, got: got.map((g) => g.m.seq) }, { fetched: [1, 3], got: [2] });
    // The 4th shows the source a delivery it never saw. The rest are sent at once, so all are
    // queued long before the replaced consumer delivers (delete, add and pull are round trips).
    const last = Math.max(...(await Promise.all(Array.from({ length: 27 }, (_, i) => publish(3 + i)))));
    await until('the consumer to be replaced and deliver again', () => got.some((g) => g.afterReposition));

    const first = got.find((g) => g.afterReposition)!.m;
    assert.equal(first.redelivered, false);
    const pending = last - first.seq;
    assert.ok(pending >= MAX_ACK_PENDING, `${pending} still queued after ${first.seq}`);
    // Its own delivery is the new consumer's only unacked one, whatever the old one still holds.
    assert.equal(first.backlog, MAX_ACK_PENDING - 1, `backlog of the first message of the new consumer (repositioned at ${repositions})`);
  } finally {
    sub.unsubscribe();
    await source.close();
  }
});
