import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DomainBatchResult, DomainCore, DomainModels, DomainRuntime, DomainRuntimeOptions } from '../domain-module.ts';
import { ModelVersionNotFoundError } from '../model-version-not-found.ts';
import { keyLimitsOf } from '../../core/key-budget.ts';
import { applyModelScores, type ModelFusion, type ModelScore } from './apply-model-scores.ts';
import { createSensorDetector, SENSOR_NEW_KEY_BYTES } from './detectors/sensor-detector.ts';
import { loadSensorChain, SENSOR_CHAIN_MODEL, trainedEntities, type SensorChainScorer } from './onnx/sensor-chain-scorer.ts';
import { withPoisonStation } from './poison-injector.ts';
import { SensorBatchProcessor, type SensorBatchResult } from './sensor-batch.ts';
import { TumblingWindows } from './tumbling-windows.ts';

/** The model chain's verdicts on a batch's feature rows (index-aligned), or null without a model. */
export type SensorModelOutputs = { verdicts: readonly ModelScore[]; fusion: ModelFusion } | null;

export type SensorRuntime = DomainRuntime<SensorBatchResult, SensorModelOutputs, SensorBatchResult>;

/**
 * The sensor domain for one run: the online detectors and windows (the pure core), then the
 * model chain, folded in by applyModelScores. The chain is the configured one, or
 * `models/sensor-chain/<version>` when a replay asks for one.
 */
export async function createSensorRuntime(opts: DomainRuntimeOptions): Promise<SensorRuntime> {
  const { config } = opts;
  const pc = config.processor;
  const detector = createSensorDetector();
  const poisonStation = opts.purpose === 'live' ? process.env.VIGIA_FAULT_POISON_STATION : undefined;
  const processor = new SensorBatchProcessor({
    runId: opts.runId,
    scorer: poisonStation ? withPoisonStation(detector, poisonStation) : detector,
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: config.streams.partitions,
    // The live limits in replays too, so a replay refuses and evicts the same stations.
    limits: keyLimitsOf(pc.limits, SENSOR_NEW_KEY_BYTES),
  });
  const chain = await loadChain(opts);
  if (chain) opts.logger.info({ model: chain.modelId }, 'model chain loaded');
  const fusion: ModelFusion | undefined = chain && { modelId: chain.modelId, bands: config.scoring.severityBands, fuseFrom: config.scoring.sensorChain.fuseFrom, knownEntities: trainedEntities(chain) };

  const core: DomainCore<SensorBatchResult, SensorModelOutputs, SensorBatchResult> = {
    keys: processor.keys,
    ingest: (batch, now) => processor.process(batch, now),
    score(stage, outputs) {
      if (outputs) applyModelScores(stage, new Map(stage.rows.features.map((f, i) => [f.event_id, outputs.verdicts[i]!])), outputs.fusion);
      return sensorBatchResult(stage);
    },
    captureState: () => processor.captureStateText(),
    restoreState: (raw) => processor.restoreState(raw),
    finish: (now) => ({ rows: { events: [], scores: [], anomalies: [], windows: processor.flushWindows(now), deadLetters: [], features: [] }, anomalies: [], deadLetters: [], redelivered: 0, late: 0 }),
  };
  const models: DomainModels<SensorBatchResult, SensorModelOutputs> = {
    modelIds: { chain: chain?.modelId ?? '' },
    async score(stage) {
      // Stateless: scoring it between the detectors and the fusion cannot reorder what they learn.
      if (!chain || !fusion || stage.rows.features.length === 0) return null;
      return { verdicts: await chain.scoreBatch(stage.rows.features.map((f) => f.values)), fusion };
    },
    release: async () => chain?.release(),
  };
  return { core, models };
}

async function loadChain(opts: DomainRuntimeOptions): Promise<SensorChainScorer | undefined> {
  const chainCfg = opts.config.scoring.sensorChain;
  let dir = chainCfg.enabled ? resolve(opts.projectRoot, chainCfg.modelDir) : null;
  if (opts.modelVersion !== null) {
    dir = join(opts.projectRoot, 'models', SENSOR_CHAIN_MODEL, opts.modelVersion);
    if (!existsSync(dir)) throw new ModelVersionNotFoundError(opts.modelVersion, [dir]);
  }
  return dir ? loadSensorChain(dir, { intraOpNumThreads: chainCfg.intraOpThreads }) : undefined;
}

export function sensorBatchResult(r: SensorBatchResult): DomainBatchResult<SensorBatchResult> {
  const events = r.rows.events;
  return { records: r, anomalies: r.anomalies, deadLetters: r.deadLetters, events: events.length, lastTs: events[events.length - 1]?.ts, redelivered: r.redelivered, late: r.late };
}
