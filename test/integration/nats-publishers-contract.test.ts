// The AnomalyPublisher and DeadLetterPublisher contracts against the NATS adapters on a real
// nats-server with JetStream: what they store is read back from the ANOMALIES and DLQ streams.
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { after, before } from 'node:test';
import { DiscardPolicy, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createNatsAnomalyPublisher } from '../../processor/src/adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from '../../processor/src/adapters/nats/nats-dead-letter-publisher.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { describeAnomalyPublisherContract } from '../contracts/anomaly-publisher-contract.ts';
import { describeDeadLetterPublisherContract } from '../contracts/dead-letter-publisher-contract.ts';
import type { PublishedMessage } from '../contracts/published-message.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

const dir = tempDir('publishers-contract');
let nats: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'publishers-contract' });
  jsm = await ensureStreams(nc, parseConfig({}).streams);
});
after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir.remove();
});

/** Reads back what `stream` stored after the moment this is called. */
async function storedSince(stream: string): Promise<() => Promise<PublishedMessage[]>> {
  const from = (await jsm.streams.info(stream)).state.last_seq;
  return async () => {
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: PublishedMessage[] = [];
    for (let seq = from + 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m) out.push({ subject: m.subject, body: m.json() });
    }
    return out;
  };
}

/**
 * The stream refuses every new message (its message limit set to what it holds, discard new),
 * as a full stream does: JetStream answers each publish with an error, not an ack.
 */
async function refuseStores(stream: string): Promise<() => Promise<void>> {
  const info = await jsm.streams.info(stream);
  await jsm.streams.update(stream, { ...info.config, max_msgs: info.state.messages, discard: DiscardPolicy.New });
  return async () => void (await jsm.streams.update(stream, info.config));
}

describeAnomalyPublisherContract('NATS JetStream', async () => ({
  publisher: createNatsAnomalyPublisher(nc),
  published: await storedSince(streams.anomalies),
  refuseStores: () => refuseStores(streams.anomalies),
}));
describeDeadLetterPublisherContract('NATS JetStream', async () => ({
  publisher: createNatsDeadLetterPublisher(nc),
  published: await storedSince(streams.deadLetters),
  refuseStores: () => refuseStores(streams.deadLetters),
}));
