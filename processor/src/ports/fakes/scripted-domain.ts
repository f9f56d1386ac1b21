import type { Anomaly, DeadLetter } from '../../../../contracts/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import type { DomainBatchResult, DomainCore, DomainModels } from '../../domains/domain-module.ts';
import type { SerializedSnapshot } from '../../pipeline/snapshots.ts';

/** One stored event of the scripted domain: which message it came from. */
export interface ScriptedRow {
  partition: number;
  seq: number;
  text: string;
}

export interface ScriptedRecords {
  rows: ScriptedRow[];
}

export interface ScriptedStage {
  seqs: number[];
  rows: ScriptedRow[];
  anomalies: Anomaly[];
  deadLetters: DeadLetter[];
  redelivered: number;
  /** A `boom` message was ingested: score throws. */
  boom: boolean;
}

export interface ScriptedOutputs {
  seqs: number[];
}

/** A models call the test holds open: "inference is slow" until it releases or fails it. */
export interface HeldModels {
  readonly seqs: number[];
  release(): void;
  fail(err: Error): void;
}

export interface ScriptedDomain {
  core: DomainCore<ScriptedStage, ScriptedOutputs, ScriptedRecords>;
  models: DomainModels<ScriptedStage, ScriptedOutputs>;
  /** Every step, in the order it ran: `ingest 1,2`, `models 1,2`, `score 1,2` (the batch's seqs). */
  readonly steps: readonly string[];
  /** Hold the next models.score call; resolves once it has been called. */
  holdNextModels(): Promise<HeldModels>;
}

const FORMAT = 'scripted-state';

/** What core.score throws for a batch holding a `boom` message. */
export class ScriptedDetectorError extends Error {
  override name = 'ScriptedDetectorError';
  constructor(readonly seqs: number[]) {
    super(`scripted detector bug in the batch of seqs ${seqs.join(',')} (a boom message)`);
  }
}

/**
 * A domain core for pipeline tests, scripted by message text: `bad…` is dead-lettered, `hot…`
 * is stored and alerted (critical), `boom…` makes core.score of its batch throw (a bug in a
 * detector), anything else is stored. Like the real cores it remembers
 * the last sequence per partition at ingest and skips anything at or below it as a redelivery,
 * and its snapshot is exactly that log position. It records the order of its steps.
 */
export function createScriptedDomain(opts: { domain: string; runId: string }): ScriptedDomain {
  const { domain, runId } = opts;
  const steps: string[] = [];
  const lastSeq = new Map<number, number>();
  const modelHolds: ((h: HeldModels) => void)[] = [];
  const seqsOf = (s: { seqs: number[] }) => s.seqs.join(',');

  const core: DomainCore<ScriptedStage, ScriptedOutputs, ScriptedRecords> = {
    keys: null,
    ingest(batch: readonly RawEvent[], nowMs: number): ScriptedStage {
      const stage: ScriptedStage = { seqs: batch.map((m) => m.seq), rows: [], anomalies: [], deadLetters: [], redelivered: 0, boom: false };
      steps.push(`ingest ${seqsOf(stage)}`);
      for (const m of batch) {
        if (m.seq <= (lastSeq.get(m.partition) ?? 0)) {
          stage.redelivered++;
          continue;
        }
        lastSeq.set(m.partition, m.seq);
        const text = new TextDecoder().decode(m.data);
        if (text.startsWith('boom')) {
          stage.boom = true;
          continue;
        }
        if (text.startsWith('bad')) {
          stage.deadLetters.push({ domain, subject: m.subject, streamSeq: m.seq, kind: 'invalid_json', reason: 'scripted bad message', payload: text, rejectedAt: nowMs });
          continue;
        }
        stage.rows.push({ partition: m.partition, seq: m.seq, text });
        if (text.startsWith('hot')) {
          const eventId = `${m.partition}-${m.seq}`;
          stage.anomalies.push({ id: `${runId}:${eventId}`, runId, domain, entity: `e${m.partition}`, eventId, ts: m.seq, score: 99, severity: 'critical', detector: 'scripted@1', drivers: [], values: {}, emittedAt: nowMs });
        }
      }
      return stage;
    },
    score(stage, outputs): DomainBatchResult<ScriptedRecords> {
      steps.push(`score ${seqsOf(outputs)}`);
      if (stage.boom) throw new ScriptedDetectorError(stage.seqs);
      return {
        records: { rows: stage.rows },
        anomalies: stage.anomalies,
        deadLetters: stage.deadLetters,
        events: stage.rows.length,
        lastTs: stage.rows.at(-1)?.seq,
        redelivered: stage.redelivered,
        late: 0,
      };
    },
    captureState(): SerializedSnapshot {
      const seqs = Object.fromEntries([...lastSeq].map(([p, s]) => [String(p), s]));
      return { text: JSON.stringify({ format: FORMAT, seqs }), format: FORMAT, version: 1, seqs };
    },
    restoreState(raw) {
      const seqs = (raw as { seqs: Record<string, number> }).seqs;
      lastSeq.clear();
      for (const [p, s] of Object.entries(seqs)) lastSeq.set(Number(p), s);
      return { seqs };
    },
  };

  const models: DomainModels<ScriptedStage, ScriptedOutputs> = {
    modelIds: { scripted: 'scripted@1' },
    async score(stage) {
      steps.push(`models ${seqsOf(stage)}`);
      const hold = modelHolds.shift();
      if (hold) {
        await new Promise<void>((resolve, reject) => hold({ seqs: stage.seqs, release: resolve, fail: reject }));
      }
      return { seqs: stage.seqs };
    },
    release: async () => {},
  };

  return {
    core,
    models,
    steps,
    holdNextModels: () => new Promise<HeldModels>((resolve) => modelHolds.push(resolve)),
  };
}
