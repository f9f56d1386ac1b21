import { subjects, type Anomaly } from '../../../../contracts/index.ts';
import type { AnomalyPublisher } from '../sinks.ts';
import { createFakeDedupPublisher, type FakeDedupPublisher, type FakePublished } from './fake-dedup-publisher.ts';

/** An alert as a subscriber would see it. */
export type FakePublishedAnomaly = FakePublished<'anomaly', Anomaly>;

export type FakeAnomalyPublisher = AnomalyPublisher & FakeDedupPublisher<'anomaly', Anomaly>;

/** Alerts in memory, de-duplicated by anomaly id like the JetStream publisher's msg id. */
export const createFakeAnomalyPublisher = (): FakeAnomalyPublisher =>
  createFakeDedupPublisher('anomaly', (a: Anomaly) => a.id, (a) => subjects.anomaly(a.domain, a.severity, a.entity));
