import type { PublisherUnderTest } from '../../../../test/contracts/published-message.ts';
import type { FakeAnomalyPublisher } from './fake-anomaly-publisher.ts';
import type { FakeDeadLetterPublisher } from './fake-dead-letter-publisher.ts';

/** A fake publisher seen through the contract's eyes: subjects and JSON bodies. */
export function fakePublisherUnderTest<P extends FakeAnomalyPublisher | FakeDeadLetterPublisher>(publisher: P): PublisherUnderTest<P> {
  return {
    publisher,
    published: async () => publisher.published.map((m) => ({ subject: m.subject, body: JSON.parse(JSON.stringify('anomaly' in m ? m.anomaly : m.letter)) })),
    refuseStores: async () => {
      publisher.failNext(new Error('the store refused the message'), Number.MAX_SAFE_INTEGER);
      return async () => publisher.failNext(new Error('unused'), 0);
    },
  };
}
