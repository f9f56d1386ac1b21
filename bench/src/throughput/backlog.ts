import type { JetStreamManager } from '@nats-io/jetstream';
import { streams } from '../../../contracts/index.ts';
import { durableName } from '../../../processor/src/adapters/nats/jetstream-source.ts';

export type BenchDomain = 'sensor' | 'trip';

/**
 * Messages of a domain in JetStream that its processor has not acked yet (not delivered +
 * delivered and unacked), summed over partitions. Asked of nats-server, not of the processor,
 * so watching it costs the measured process nothing.
 */
export function backlogProbe(jsm: JetStreamManager, partitions: number): (domain: BenchDomain) => Promise<number> {
  return async (domain) => {
    const infos = await Promise.all(
      Array.from({ length: partitions }, (_, p) => jsm.consumers.info(streams.events(domain), durableName('proc', domain, p)).catch(() => undefined)),
    );
    return infos.reduce((n, i) => n + (i ? i.num_pending + i.num_ack_pending : 0), 0);
  };
}
