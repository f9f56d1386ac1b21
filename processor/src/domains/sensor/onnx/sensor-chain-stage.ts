import type { VigiaConfig } from '../../../../../config/index.ts';
import type { ModelFusion, ModelScore } from '../apply-model-scores.ts';
import { trainedEntities, type SensorChainScorer } from './sensor-chain-scorer.ts';

/** What the pipeline needs of a model: batch scoring and how its verdict is fused. */
export interface ModelStage {
  scoreBatch(vectors: readonly (readonly number[])[]): Promise<ModelScore[]>;
  fusion: ModelFusion;
}

/** The same fusion rules for live processing, replays in the processor and replays in the CLI. */
export function sensorChainStage(chain: SensorChainScorer | undefined, config: VigiaConfig): ModelStage | undefined {
  if (!chain) return undefined;
  return {
    scoreBatch: (v) => chain.scoreBatch(v),
    fusion: { modelId: chain.modelId, bands: config.scoring.severityBands, fuseFrom: config.scoring.sensorChain.fuseFrom, knownEntities: trainedEntities(chain) },
  };
}
