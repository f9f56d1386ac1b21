// The MessageSource contract against the JetStream source on a real nats-server: durable pull
// consumers per partition, a 1 s ack wait so "the ack wait runs out" is a short real wait.
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { after, before } from 'node:test';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams, subjects } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createJetStreamSource } from '../../processor/src/adapters/nats/jetstream-source.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { describeMessageSourceContract } from '../contracts/message-source-contract.ts';
import { uniqueId } from '../contracts/unique-id.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

const ACK_WAIT_SECONDS = 1;
const dir = tempDir('source-contract');
let nats: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'source-contract' });
  jsm = await ensureStreams(nc, parseConfig({}).streams);
});
after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir.remove();
});

describeMessageSourceContract(
  'JetStream',
  async () => {
    // An empty log per test: the stream purged (sequences go on), consumers of a fresh name.
    await jsm.streams.purge(streams.events('sensor'));
    const durablePrefix = uniqueId('contract');
    const js = jetstream(nc);
    return {
      async append(partition, key, data) {
        const subject = subjects.event('sensor', partition, key);
        const ack = await js.publish(subject, data);
        return { seq: ack.seq, subject };
      },
      open: (partitions) => createJetStreamSource(nc, jsm, { domain: 'sensor', partitions, durablePrefix, maxAckPending: 1000, ackWaitSeconds: ACK_WAIT_SECONDS }),
      // The server checks ack deadlines on a timer: give it a second past the wait.
      expireAckWait: () => new Promise((r) => setTimeout(r, ACK_WAIT_SECONDS * 1000 + 1000)),
    };
  },
  { quietMs: 500 },
);
