// A minimal third domain, registered from test/ only: utility meters sending one value each.
// It proves the DomainModule interface: everything it is lives in this folder, and the generic
// pipeline (consume, core, commit, alerts, dead letters, snapshots, replay) runs it unchanged.
import { z } from 'zod';
import { severityOf, type Anomaly, type DeadLetter } from '../../../contracts/index.ts';
import type { DomainCore, DomainModule } from '../../../processor/src/domains/domain-module.ts';
import { deadLetterOf, toDeadLetterRow } from '../../../processor/src/core/dead-letter-of.ts';
import type { RawEvent } from '../../../processor/src/core/raw-event.ts';
import { LogPosition } from '../../../processor/src/core/log-position.ts';
import { stateAsText } from '../../../processor/src/core/serialized-snapshot.ts';
import { SnapshotUnreadableError } from '../../../processor/src/core/processor-state.ts';
import type { AnomalyRow, DeadLetterRow } from '../../../store/src/rows.ts';

export const METER = 'meter';
export const METER_EVENTS_TABLE = 'test_meter_events';

export const MeterReading = z.strictObject({ id: z.string().min(1).max(64), meter: z.string().min(1).max(64), ts: z.number().int(), kwh: z.number().finite() });
export type MeterReading = z.infer<typeof MeterReading>;

interface MeterEventRow {
  run_id: string;
  event_id: string;
  meter: string;
  partition: number;
  stream_seq: number;
  ts: number;
  kwh: number;
  score: number;
  ingested_at: number;
}
export interface MeterRecords {
  events: MeterEventRow[];
  anomalies: AnomalyRow[];
  deadLetters: DeadLetterRow[];
}

/** Welford's running mean and variance per meter: the whole learned state. */
type Running = { n: number; mean: number; m2: number };
const STATE_FORMAT = 'vigia.test-meter-state';

interface MeterStage {
  records: MeterRecords;
  anomalies: Anomaly[];
  deadLetters: DeadLetter[];
  redelivered: number;
}

function createMeterCore(runId: string): DomainCore<MeterStage, null, MeterRecords> {
  const perMeter = new Map<string, Running>();
  const position = new LogPosition();
  const dec = new TextDecoder();
  return {
    keys: null,
    ingest(batch: readonly RawEvent[], now: number): MeterStage {
      const records: MeterRecords = { events: [], anomalies: [], deadLetters: [] };
      const anomalies: Anomaly[] = [];
      const deadLetters: DeadLetter[] = [];
      let redelivered = 0;
      for (const m of batch) {
        if (position.seen(m.partition, m.seq)) {
          redelivered++;
          continue;
        }
        let r: MeterReading;
        try {
          r = MeterReading.parse(JSON.parse(dec.decode(m.data)));
        } catch (err) {
          const d = deadLetterOf(METER, m, 'invalid_event', (err as Error).message.slice(0, 500), now);
          deadLetters.push(d);
          records.deadLetters.push(toDeadLetterRow(runId, d));
          continue;
        }
        const s = perMeter.get(r.meter) ?? { n: 0, mean: 0, m2: 0 };
        const sd = Math.sqrt(s.n > 1 ? s.m2 / (s.n - 1) : 0);
        const z = s.n >= 10 && sd > 0 ? Math.abs(r.kwh - s.mean) / sd : 0;
        const score = Math.min(100, z * 10);
        const n = s.n + 1;
        const delta = r.kwh - s.mean;
        const mean = s.mean + delta / n;
        perMeter.set(r.meter, { n, mean, m2: s.m2 + delta * (r.kwh - mean) });
        records.events.push({ run_id: runId, event_id: r.id, meter: r.meter, partition: m.partition, stream_seq: m.seq, ts: r.ts, kwh: r.kwh, score, ingested_at: now });
        const severity = severityOf(score);
        if (!severity) continue;
        const a: Anomaly = { id: `${runId}:${r.id}`, runId, domain: METER, entity: r.meter, eventId: r.id, ts: r.ts, score, severity, detector: 'meter-z@1', drivers: [{ feature: 'kwh', score, value: r.kwh, expected: s.mean, reason: `${z.toFixed(1)} σ from the meter's mean` }], values: { kwh: r.kwh }, emittedAt: now };
        anomalies.push(a);
        records.anomalies.push({ run_id: runId, domain: METER, entity: r.meter, event_id: r.id, ts: r.ts, detector: a.detector, score, severity, top_feature: 'kwh', drivers: JSON.stringify(a.drivers), values: a.values, emitted_at: now });
      }
      return { records, anomalies, deadLetters, redelivered };
    },
    score(stage) {
      const events = stage.records.events;
      return { records: stage.records, anomalies: stage.anomalies, deadLetters: stage.deadLetters, events: events.length, lastTs: events[events.length - 1]?.ts, redelivered: stage.redelivered, late: 0 };
    },
    captureState: () => stateAsText({ format: STATE_FORMAT, version: 1, seqs: position.toSeqs(), meters: [...perMeter] } as never),
    restoreState(raw: unknown) {
      const s = raw as { format?: string; seqs: Record<string, number>; meters: [string, Running][] };
      if (s?.format !== STATE_FORMAT) throw new SnapshotUnreadableError(`not a ${STATE_FORMAT}`);
      position.restore(s.seqs);
      for (const [k, v] of s.meters) perMeter.set(k, v);
      return { seqs: s.seqs };
    },
  };
}

export const meterModule: DomainModule<MeterStage, null, MeterRecords> = {
  name: METER,
  event: MeterReading,
  description: 'test-only utility meters: a running z-score per meter',
  createRuntime: async (opts) => ({
    core: createMeterCore(opts.runId),
    models: { modelIds: {}, score: async () => null, release: async () => {} },
  }),
  store: {
    writes: [
      { table: 'anomalies', rows: (r) => r.anomalies },
      { table: 'dead_letters', rows: (r) => r.deadLetters },
      { table: METER_EVENTS_TABLE, rows: (r) => r.events },
    ],
    eventsTable: METER_EVENTS_TABLE,
    eventRows: (r) => r.events,
    anomalyRows: (r) => r.anomalies,
    migrations: [
      `CREATE TABLE IF NOT EXISTS ${METER_EVENTS_TABLE} (
         run_id LowCardinality(String), event_id String, meter String, partition UInt16, stream_seq UInt64,
         ts DateTime64(3, 'UTC'), kwh Float64, score Float32, ingested_at DateTime64(3, 'UTC'))
       ENGINE = ReplacingMergeTree(ingested_at) ORDER BY (run_id, meter, ts, event_id)`,
    ],
  },
  replay: {
    filterToRange: (r, from, to) => ({
      events: r.events.filter((e) => e.ts >= from && e.ts <= to),
      anomalies: r.anomalies.filter((a) => a.ts >= from && a.ts <= to),
      deadLetters: [],
    }),
    scoredItemsQuery: (run) => `SELECT 'reading' AS item, event_id, meter AS entity, ts, score, '' AS severity, 'kwh' AS top_feature FROM ${METER_EVENTS_TABLE} FINAL WHERE run_id = '${run}'`,
  },
  features: {},
};
