import { subjects, type Anomaly } from '../../../../contracts/index.ts';
import type { AnomalyPublisher } from '../sinks.ts';
import { armedFailures } from './armed-failures.ts';

/** An alert as a subscriber would see it. */
export interface FakePublishedAnomaly {
  subject: string;
  anomaly: Anomaly;
}

export interface FakeAnomalyPublisher extends AnomalyPublisher {
  /** Alerts stored, one per anomaly id (the first copy), in publish order. */
  readonly published: readonly FakePublishedAnomaly[];
  /** publish() calls, successful or not. */
  readonly calls: number;
  /** The next `times` publish() calls reject with `err` and store nothing (a broker outage). */
  failNext(err: Error, times?: number): void;
}

/** Alerts in memory, de-duplicated by anomaly id like the JetStream publisher's msg id. */
export function createFakeAnomalyPublisher(): FakeAnomalyPublisher {
  const published: FakePublishedAnomaly[] = [];
  const seen = new Set<string>();
  const failures = armedFailures();
  let calls = 0;
  return {
    published,
    get calls() {
      return calls;
    },
    failNext: (err, times) => failures.arm(err, times),
    async publish(anomalies) {
      calls++;
      failures.throwIfArmed();
      for (const a of anomalies) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        // A copy, as the wire would take: later changes to the caller's object are not alerts.
        published.push({ subject: subjects.anomaly(a.domain, a.severity, a.entity), anomaly: structuredClone(a) });
      }
    },
  };
}
