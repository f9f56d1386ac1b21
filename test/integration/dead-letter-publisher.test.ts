// The dead-letter (and alert) publishers against a real nats-server: a letter larger than the body limit is
// cut to fit it (reason kept), and one that can never be published is a PermanentSinkError at
// once or after the publisher's few tries, never a retry loop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadLetter, type Anomaly } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { createNatsAnomalyPublisher } from '../../processor/src/adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher, DEAD_LETTER_REASON_HEADER } from '../../processor/src/adapters/nats/nats-dead-letter-publisher.ts';
import { PermanentSinkError } from '../../processor/src/ports/sink-errors.ts';
import { retryUntilDone } from '../../processor/src/pipeline/retry-until-done.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { waitFor } from '../harness/processor-process.ts';

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
const received: { d: DeadLetter; bytes: number; header: string }[] = [];

before(async () => {
  dir = tempDir('dlq-publisher');
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'dlq-publisher-test' });
  await ensureStreams(nc, parseConfig({}).streams);
  const sub = nc.subscribe('dlq.sensor');
  void (async () => {
    for await (const m of sub) received.push({ d: DeadLetter.parse(m.json()), bytes: m.data.length, header: m.headers?.get(DEAD_LETTER_REASON_HEADER) ?? '' });
  })();
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir?.remove();
});

const letter = (seq: number, payload: string, reason: string): DeadLetter => ({ domain: 'sensor', subject: 'events.sensor.0.st', streamSeq: seq, kind: 'invalid_event', reason, payload, rejectedAt: Date.now() });

test('a dead letter over the body limit is cut to fit, keeping its reason; the header stays one ASCII line', async () => {
  const publisher = createNatsDeadLetterPublisher(nc, { maxBodyBytes: 4000 });
  await publisher.publish([letter(1, 'p'.repeat(60_000), 'channels.é\nkey: bad')]);
  const [got] = await waitFor(async () => received.filter((r) => r.d.streamSeq === 1), (r) => r.length === 1, 10_000, 'the dead letter');
  assert.ok(got!.bytes <= 4000, `${got!.bytes} bytes`);
  assert.equal(got!.d.reason, 'channels.é\nkey: bad');
  assert.equal(got!.d.truncated, true);
  assert.equal(got!.d.originalBytes, 60_000);
  assert.equal(got!.header, 'invalid_event: channels. key: bad');
});

test('the default limit is the server max_payload, less room for headers', async () => {
  const publisher = createNatsDeadLetterPublisher(nc);
  await publisher.publish([letter(2, 'q'.repeat(2_000_000), 'too big')]);
  const [got] = await waitFor(async () => received.filter((r) => r.d.streamSeq === 2), (r) => r.length === 1, 10_000, 'the dead letter');
  assert.ok(got!.bytes <= nc.info!.max_payload && got!.bytes > nc.info!.max_payload - 8192, `${got!.bytes} bytes`);
});

test('a letter that cannot be published is a PermanentSinkError, and retryUntilDone does not loop on it', async () => {
  // Too small to hold even the cut letter: refused before sending.
  const tiny = createNatsDeadLetterPublisher(nc, { maxBodyBytes: 50 });
  let retries = 0;
  await assert.rejects(retryUntilDone(() => tiny.publish([letter(3, 'x', 'r')]), { baseDelayMs: 1, onRetry: () => retries++ }), PermanentSinkError);
  // A limit above the server's: the client refuses the message (max_payload exceeded).
  const over = createNatsDeadLetterPublisher(nc, { maxBodyBytes: 4 * nc.info!.max_payload });
  await assert.rejects(retryUntilDone(() => over.publish([letter(4, 'y'.repeat(2 * nc.info!.max_payload), 'r')]), { baseDelayMs: 1, onRetry: () => retries++ }), PermanentSinkError);
  assert.equal(retries, 0);
});

test('an alert over max_payload is a PermanentSinkError at once, not five retries and then a retry loop', async () => {
  const alerts = createNatsAnomalyPublisher(nc);
  const huge: Anomaly = { id: 'a1', runId: 'live', domain: 'sensor', entity: 'st', eventId: 'e1', ts: 1, score: 99, severity: 'critical', detector: 'd', drivers: [], values: Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`channel_with_a_long_name_${i}`, i])), emittedAt: 1 };
  assert.ok(JSON.stringify(huge).length > nc.info!.max_payload);
  let retries = 0;
  await assert.rejects(retryUntilDone(() => alerts.publish([huge]), { baseDelayMs: 1, onRetry: () => retries++ }), PermanentSinkError);
  assert.equal(retries, 0);
});
