import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, PipelinedPublisher, PublisherClosedError } from '../../nats/index.ts';
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
