import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Anomaly } from '../../../../contracts/index.ts';
import type { AnomalyPublisher } from '../../ports/sinks.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';

/** Alerts on `anomalies.<domain>.<severity>.<entity>`, stored in the ANOMALIES stream. */
export function createNatsAnomalyPublisher(nc: NatsConnection, maxInFlight = 500): AnomalyPublisher {
  const publisher = new JetStreamPublisher(nc, maxInFlight);
  return {
    publish: function publishAnomalies(anomalies) {
      return publisher.publishAll(
        anomalies.map((a: Anomaly) => ({
          subject: subjects.anomaly(a.domain, a.severity, a.entity),
          data: JSON.stringify(a),
          // A redelivered event re-publishes the same id; JetStream keeps one copy.
          msgId: a.id,
        })),
      );
    },
  };
}
