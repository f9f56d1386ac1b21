import type { JetStreamManager } from '@nats-io/jetstream';
import { streams } from '../../../contracts/index.ts';
import { durableName } from '../../../processor/src/adapters/nats/jetstream-source.ts';

export interface RedeliveryFigure {
  /** Largest sum over the sensor consumers of JetStream's num_redelivered seen while watching. */
  maxNumRedelivered: number;
  /** The same sum when watching stopped. */
  endNumRedelivered: number;
}

/**
 * Watches the sensor consumers' `num_redelivered` in JetStream (asked of nats-server, so it
 * costs the processor nothing). JetStream reports it for the messages now awaiting an ack,
 * not as a running total: it is sampled every second and its peak kept.
 */
export function watchSensorRedeliveries(jsm: JetStreamManager, partitions: number, everyMs = 1000): { stop(): Promise<RedeliveryFigure> } {
  let max = 0;
  let last = 0;
  let stopped = false;
  const sample = async () => {
    const infos = await Promise.all(
      Array.from({ length: partitions }, (_, p) => jsm.consumers.info(streams.events('sensor'), durableName('proc', 'sensor', p)).catch(() => undefined)),
    );
    last = infos.reduce((n, i) => n + (i?.num_redelivered ?? 0), 0);
    max = Math.max(max, last);
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await sample();
      return { maxNumRedelivered: max, endNumRedelivered: last };
    },
  };
}

/** The processor's own running total of redeliveries of one domain (vigia_redelivered_total). */
export async function processorRedeliveredTotal(fetchPath: (path: string) => Promise<Response>, domain: string): Promise<number> {
  const text = await (await fetchPath('/metrics')).text();
  return Number(new RegExp(`^vigia_redelivered_total\\{domain="${domain}"\\} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
}
