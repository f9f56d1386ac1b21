import type { Domain } from './domain.ts';
import type { Severity } from './severity.ts';

/**
 * NATS subject and stream names in one place. Tokens that come from data (entity ids)
 * are sanitised so a station called "a.b" cannot create an extra subject level.
 */
export const subjects = {
  /** `events.<domain>.<partition>.<key>` — the event log. */
  event: (domain: Domain, partition: number, key: string) => `events.${domain}.${partition}.${token(key)}`,
  eventsOfPartition: (domain: Domain, partition: number) => `events.${domain}.${partition}.>`,
  eventsOfDomain: (domain: Domain) => `events.${domain}.>`,
  /** `anomalies.<domain>.<severity>.<entity>` — alerts. */
  anomaly: (domain: Domain, severity: Severity, entity: string) => `anomalies.${domain}.${severity}.${token(entity)}`,
  anomaliesAll: 'anomalies.>',
  /** `dlq.<domain>` — rejected messages, the reason in the `Vigia-Error` header and the body. */
  deadLetter: (domain: Domain) => `dlq.${domain}`,
  deadLettersAll: 'dlq.>',
} as const;

export const streams = {
  events: (domain: Domain) => `EVENTS_${domain.toUpperCase()}`,
  anomalies: 'ANOMALIES',
  deadLetters: 'DLQ',
} as const;

/** Replace characters that are special in NATS subjects. */
export function token(s: string): string {
  return s.replace(/[.*>\s]/g, '_');
}
