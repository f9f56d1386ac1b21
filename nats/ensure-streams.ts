import { jetstreamManager, type JetStreamManager, type StreamConfig, RetentionPolicy, StorageType, DiscardPolicy, JetStreamApiError } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { DOMAINS, streams, subjects } from '../contracts/index.ts';

export interface StreamLimits {
  eventsMaxAgeHours: number;
  eventsMaxMiB: number;
  anomaliesMaxAgeHours: number;
  deadLettersMaxAgeHours: number;
  duplicateWindowSeconds: number;
  replicas: number;
}

const HOUR_MS = 3_600_000;

/** The streams Vigía needs, with explicit retention limits: one event log per domain (the registered ones). */
export function streamConfigs(limits: StreamLimits, domains: readonly string[] = DOMAINS): (Partial<StreamConfig> & { name: string })[] {
  const dup = nanos(limits.duplicateWindowSeconds * 1000);
  const events = domains.map((d) => ({
    name: streams.events(d),
    subjects: [subjects.eventsOfDomain(d)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(limits.eventsMaxAgeHours * HOUR_MS),
    max_bytes: limits.eventsMaxMiB * 1024 * 1024,
    // The log is the truth: refuse new events rather than silently dropping old ones.
    discard: DiscardPolicy.New,
    duplicate_window: dup,
    num_replicas: limits.replicas,
  }));
  return [
    ...events,
    {
      name: streams.anomalies,
      subjects: [subjects.anomaliesAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(limits.anomaliesMaxAgeHours * HOUR_MS),
      max_bytes: 1024 * 1024 * 1024,
      discard: DiscardPolicy.Old,
      duplicate_window: dup,
      num_replicas: limits.replicas,
    },
    {
      name: streams.deadLetters,
      subjects: [subjects.deadLettersAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(limits.deadLettersMaxAgeHours * HOUR_MS),
      max_bytes: 1024 * 1024 * 1024,
      discard: DiscardPolicy.Old,
      duplicate_window: dup,
      num_replicas: limits.replicas,
    },
  ];
}

/** Create the streams, or update their limits when they exist. Safe to call from every process. */
export async function ensureStreams(nc: NatsConnection, limits: StreamLimits, domains: readonly string[] = DOMAINS): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  for (const cfg of streamConfigs(limits, domains)) {
    try {
      await jsm.streams.info(cfg.name);
      await jsm.streams.update(cfg.name, cfg);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || !isStreamNotFound(err)) throw err;
      try {
        await jsm.streams.add(cfg);
      } catch (addErr) {
        // Another process created it between our info and add: fine.
        if (!(addErr instanceof JetStreamApiError) || !/already in use|exists/i.test(addErr.message)) throw addErr;
      }
    }
  }
  return jsm;
}

function isStreamNotFound(err: JetStreamApiError): boolean {
  return err.code === 10059 || /stream not found/i.test(err.message);
}
