import { partitionOf, subjects, type SensorReading } from '../../contracts/index.ts';
import type { OutgoingMessage } from '../../nats/index.ts';
import { createGasNetwork, type GasNetworkOptions } from './sensor/index.ts';

/** The simulation's readings as log messages, up to `count` (unbounded when undefined). */
export function* sensorMessages(sim: Partial<GasNetworkOptions> & { startTs: number }, partitions: number, count?: number): Generator<OutgoingMessage & { reading: SensorReading }> {
  const network = createGasNetwork(sim);
  let n = 0;
  for (;;) {
    for (const reading of network.nextTick()) {
      if (count !== undefined && n >= count) return;
      n++;
      yield toMessage(reading, partitions);
    }
  }
}

export function toMessage(reading: SensorReading, partitions: number): OutgoingMessage & { reading: SensorReading } {
  return {
    subject: subjects.event('sensor', partitionOf(reading.station, partitions), reading.station),
    data: JSON.stringify(reading),
    msgId: reading.id,
    reading,
  };
}
