import { severityOf, type Anomaly, type AnomalyDriver, type SeverityBands } from '../../../../contracts/index.ts';
import type { SensorBatchResult } from './sensor-batch.ts';

/** A stateless model's verdict on one reading's feature vector. */
export interface ModelScore {
  cluster: number;
  /** The model's own anomaly score (sign and scale are the model's; see its card). */
  raw: number;
  /** Calibrated 0–100. */
  score: number;
}

export interface ModelFusion {
  /** `<name>@<version>` of the model. */
  modelId: string;
  bands: SeverityBands;
  /** The model may raise a reading's score only from this calibrated score up (config). */
  fuseFrom: number;
  /**
   * Entities the model was trained on (from its card). A model of one network's normal has no
   * say about a station it never saw: its score is stored, but it neither drives nor raises.
   * Undefined = all entities.
   */
  knownEntities?: ReadonlySet<string> | undefined;
}

/**
 * Fold the model chain's scores into a scored batch: every score row gets the cluster and the
 * model's score; strong model scores become drivers, and — above `fuseFrom` — can raise the
 * row's score, severity and anomaly. Pure: the same inputs give the same rows.
 */
export function applyModelScores(result: SensorBatchResult, byEventId: ReadonlyMap<string, ModelScore>, fusion: ModelFusion): void {
  const { rows } = result;
  const anomalyIndex = new Map(result.anomalies.map((a, i) => [a.eventId, i]));
  for (let i = 0; i < rows.scores.length; i++) {
    const row = rows.scores[i]!;
    const m = byEventId.get(row.event_id);
    if (!m) continue;
    row.cluster = m.cluster;
    row.model = fusion.modelId;
    row.model_score = m.score;
    row.model_raw = m.raw;
    if (m.score < fusion.bands.minor) continue;
    if (fusion.knownEntities && !fusion.knownEntities.has(row.entity)) continue;

    const driver: AnomalyDriver = {
      feature: fusion.modelId,
      score: m.score,
      value: m.raw,
      expected: null,
      reason: `unusual for operating cluster ${m.cluster} (model score ${m.score.toFixed(1)})`,
    };
    const drivers = (JSON.parse(row.drivers) as AnomalyDriver[]).concat(driver).sort((a, b) => b.score - a.score);
    row.drivers = JSON.stringify(drivers);
    if (m.score >= fusion.fuseFrom && m.score > row.score) {
      row.score = m.score;
      row.detector = fusion.modelId;
      row.top_feature = fusion.modelId;
      row.severity = severityOf(m.score, fusion.bands) ?? '';
    }

    const at = anomalyIndex.get(row.event_id);
    if (at !== undefined) {
      const a = result.anomalies[at]!;
      Object.assign(a, { score: row.score, severity: row.severity as Anomaly['severity'], detector: row.detector, drivers });
      const ar = rows.anomalies.find((x) => x.event_id === row.event_id)!;
      Object.assign(ar, { score: row.score, severity: row.severity, detector: row.detector, drivers: row.drivers, top_feature: row.top_feature });
    } else if (row.severity) {
      const event = rows.events[i]!;
      const a: Anomaly = {
        id: `${row.run_id}:${row.event_id}`,
        runId: row.run_id,
        domain: 'sensor',
        entity: row.entity,
        eventId: row.event_id,
        ts: row.ts,
        score: row.score,
        severity: row.severity as Anomaly['severity'],
        detector: row.detector,
        drivers,
        values: event.channels,
        emittedAt: row.scored_at,
      };
      result.anomalies.push(a);
      rows.anomalies.push({
        run_id: row.run_id,
        domain: 'sensor',
        entity: row.entity,
        event_id: row.event_id,
        ts: row.ts,
        detector: row.detector,
        score: row.score,
        severity: row.severity,
        top_feature: row.top_feature,
        drivers: row.drivers,
        values: event.channels,
        emitted_at: row.scored_at,
      });
    }
  }
}
