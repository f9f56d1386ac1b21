import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VigiaConfig } from '../../../../config/index.ts';
import { ModelVersionNotFoundError } from '../model-version-not-found.ts';
import { keyLimitsOf } from '../../core/key-budget.ts';
import type { DomainCore, DomainModels, DomainRuntime, DomainRuntimeOptions } from '../domain-module.ts';
import { loadTradeModelStage } from './onnx/trade-model-stage.ts';
import type { CompanyModelLevelsOptions } from './company-model-levels.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor, type TradeModelOutputs, type TradeRecords, type TradeStage } from './trade-batch.ts';

export type TradeRuntime = DomainRuntime<TradeStage, TradeModelOutputs, TradeRecords>;

/**
 * Declarations in [0.9·T, T) USD count as "just under the threshold" (structuring). The
 * autoencoder session moves this to config (scoring.trade) with the rest of the trade scoring.
 */
export const REPORTING_THRESHOLD_USD = 10_000;

/** The model's per-company self-calibration as configured (its forgetting follows the key budget's). */
export function tradeModelLevelsOf(config: VigiaConfig): CompanyModelLevelsOptions {
  return { rate: config.scoring.tradeModel.selfCalibrationRate, forgetMs: config.processor.limits.forgetEvictedMs };
}

/**
 * The trade domain for one run: features (pure core), the autoencoder with its Shapley
 * explanations beside the rules (scoring.tradeModel), or the interim score when it is disabled.
 */
export async function createTradeRuntime(opts: DomainRuntimeOptions): Promise<TradeRuntime> {
  const { config } = opts;
  const pc = config.processor;
  const processor = new TradeBatchProcessor({
    runId: opts.runId,
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: config.streams.partitions,
    // The live limits in replays too, so a replay refuses and evicts the same nodes.
    limits: keyLimitsOf(pc.limits, TRADE_NEW_KEY_BYTES),
    features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD },
    modelLevels: tradeModelLevelsOf(config),
  });
  const core: DomainCore<TradeStage, TradeModelOutputs, TradeRecords> = {
    keys: processor.keys,
    ingest: (batch, now) => processor.ingest(batch, now),
    score: (stage, outputs) => processor.score(stage, outputs),
    captureState: () => processor.captureState(),
    restoreState: (raw) => processor.restoreState(raw),
  };
  let settings = config.scoring.tradeModel;
  // A replay that asks for a model version scores with models/trade-ae/<version>.
  if (opts.modelVersion !== null) {
    const modelDir = join(opts.projectRoot, 'models', 'trade-ae', opts.modelVersion);
    if (!existsSync(modelDir)) throw new ModelVersionNotFoundError(opts.modelVersion, [modelDir]);
    settings = { ...settings, enabled: true, modelDir };
  }
  const stage = await loadTradeModelStage(settings, config.scoring.severityBands.minor, opts.projectRoot, opts.logger);
  const models: DomainModels<TradeStage, TradeModelOutputs> = { modelIds: { autoencoder: stage.modelId }, score: (s) => stage.score(s), release: () => stage.release() };
  return { core, models };
}
