// Processor memory with many stations, through the real pipeline:
//   vigia bench stations [--stations 10000] [--readings 10] [--json F]
// A private stack (nats-server + `vigia processor` with chDB, the defaults of processor.limits)
// receives `readings` simulated readings from each of `stations` new stations; the processor's
// resident memory (its /metrics) is read before the first reading and once every reading is
// stored or dead-lettered, with its peak over the run and the key budget's own figures.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connectNats, PipelinedPublisher } from '../../../nats/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { sensorMessages } from '../../../producers/src/sensor-messages.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { startPrivateStack } from '../private-stack.ts';
import { metricSum, procMemory } from './proc-memory.ts';

export interface StationsBenchOptions {
  stations: number;
  readings: number;
  jsonFile?: string | undefined;
}

const MIB = 1024 ** 2;

export async function runStationsBench(o: StationsBenchOptions): Promise<void> {
  const log = (s: string) => process.stderr.write(s + '\n');
  const config = parseConfig({});
  const stack = await startPrivateStack('bench-stations', { processor: { domains: ['sensor'] } });
  const nc = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-stations' });
  try {
    const scrape = async (): Promise<string> => {
      // A busy processor may close a keep-alive socket under us: ask again, unless it is gone.
      for (let attempt = 1; ; attempt++) {
        try {
          return await (await stack.proc.fetch('/metrics')).text();
        } catch (err) {
          if (stack.proc.child.exitCode !== null || stack.proc.child.signalCode !== null) {
            throw new Error(`the processor exited (code ${stack.proc.child.exitCode}, signal ${stack.proc.child.signalCode}); its log ends:\n${logTail()}`, { cause: err });
          }
          if (attempt === 5) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
    const logTail = () => {
      const f = join(stack.dataDir, 'processor.log');
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
    };
    const before = await scrape();
    const rssBefore = metricSum(before, 'vigia_process_process_resident_memory_bytes');
    log(`processor RSS before: ${(rssBefore / MIB).toFixed(0)} MiB; publishing ${o.readings} readings from each of ${o.stations} new stations…`);
    const total = o.stations * o.readings;
    const publisher = new PipelinedPublisher(nc, { maxInFlight: 2000 });
    const started = performance.now();
    // Recent event times, a minute apart per station, so every reading is on time.
    const startTs = Math.floor((Date.now() - (o.readings + 60) * 60_000) / 60_000) * 60_000;
    for (const m of sensorMessages({ stations: o.stations, seed: 1, faultRate: 1, startTs }, config.streams.partitions, total)) await publisher.publish(m);
    await publisher.flush();
    await publisher.close();
    log(`  published ${total} in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting until all are processed…`);
    const handled = (t: string) => metricSum(t, 'vigia_events_total', ['domain="sensor"']) + (metricSum(t, 'vigia_dead_letters_total', ['domain="sensor"']) || 0);
    await waitFor(scrape, (t) => handled(t) >= total, 3_600_000, 'every reading stored or dead-lettered');
    const seconds = (performance.now() - started) / 1000;
    // Let a snapshot and the garbage collector run before the reading of memory.
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await scrape();
    const rssAfter = metricSum(after, 'vigia_process_process_resident_memory_bytes');
    const rssPeak = stack.proc.child.pid === undefined ? NaN : procMemory(stack.proc.child.pid).peak;
    const result = {
      benchmark: 'stations',
      at: new Date().toISOString(),
      stations: o.stations,
      readingsPerStation: o.readings,
      seconds: Number(seconds.toFixed(1)),
      limits: config.processor.limits,
      processor: {
        rssBeforeMiB: Math.round(rssBefore / MIB),
        rssAfterMiB: Math.round(rssAfter / MIB),
        rssPerStationKiB: Number(((rssAfter - rssBefore) / o.stations / 1024).toFixed(1)),
        /** Highest RSS over the processor's life (Linux VmHWM): the snapshots' transient copies show here. */
        rssPeakMiB: Math.round(rssPeak / MIB),
        heapUsedAfterMiB: Math.round(metricSum(after, 'vigia_process_nodejs_heap_size_used_bytes') / MIB),
        externalAfterMiB: Math.round(metricSum(after, 'vigia_process_nodejs_external_memory_bytes') / MIB),
      },
      keys: {
        live: metricSum(after, 'vigia_keys', ['state="live"']),
        evicted: metricSum(after, 'vigia_keys', ['state="evicted"']),
        liveStateMiB: Number((metricSum(after, 'vigia_key_state_bytes', ['state="live"']) / MIB).toFixed(1)),
        evictedStateMiB: Number((metricSum(after, 'vigia_key_state_bytes', ['state="evicted"']) / MIB).toFixed(1)),
        keyLimitDeadLetters: metricSum(after, 'vigia_key_limit_total', ['domain="sensor"']) || 0,
      },
      stored: metricSum(after, 'vigia_events_total', ['domain="sensor"']),
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (o.jsonFile) {
      mkdirSync(dirname(o.jsonFile), { recursive: true });
      writeFileSync(o.jsonFile, JSON.stringify(result, null, 2) + '\n');
    }
  } finally {
    await nc.close();
    await stack.stop();
  }
}
