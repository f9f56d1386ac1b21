import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../../../../stack/logger.ts';
import type { GroupShapley } from '../group-shapley.ts';
import type { TradeModelOutputs, TradeStage } from '../trade-batch.ts';
import { scoreTradeFeatures } from '../trade-interim-score.ts';
import { besideScore, combineTradeVerdict, type TradeAlongside } from '../trade-model-verdict.ts';
import { loadTradeAeModel, type TradeAeModel } from './trade-ae-model.ts';

export interface TradeModelSettings {
  enabled: boolean;
  modelDir: string;
  intraOpThreads: number;
  alongside: TradeAlongside;
}

export interface LoadedTradeModelStage {
  modelId: string;
  score(stage: TradeStage): Promise<TradeModelOutputs>;
  release(): Promise<void>;
}

/**
 * The trade autoencoder as one stage per micro-batch: one graph run scores every declaration,
 * then one more run scores the 2^k × background coalition rows of every declaration that is an
 * anomaly (model or rules ≥ the minor band), for its exact Shapley values. The model's score
 * judges each error at its company's own usual level when that is above the population's
 * (stage.levels, read and updated in item order: the level before a declaration is its
 * company's earlier declarations'), and its Shapley values explain that score. Disabled → null
 * outputs and the batch core scores with the interim score; a configured folder that is missing
 * or does not load stops start-up with the reason (a silent fallback would hide a broken deploy).
 */
export async function loadTradeModelStage(settings: TradeModelSettings, minorBand: number, projectRoot: string, log: Logger): Promise<LoadedTradeModelStage> {
  if (!settings.enabled) {
    log.info('trade autoencoder disabled (scoring.tradeModel.enabled = false): the interim online score, no Shapley values');
    return { modelId: '', score: async () => null, release: async () => {} };
  }
  const dir = resolve(projectRoot, settings.modelDir);
  if (!existsSync(join(dir, 'card.json'))) log.warn({ dir }, 'trade model folder has no card.json');
  const model: TradeAeModel = await loadTradeAeModel(dir, { intraOpNumThreads: settings.intraOpThreads });
  const groups = model.layout.groups;
  return {
    modelId: model.modelId,
    async score(stage: TradeStage): Promise<TradeModelOutputs> {
      const rows = stage.items.map((i) => i.values);
      if (rows.length === 0) return { verdicts: [], baseline: model.card.background.baselineScore };
      const raw = await model.raw(rows);
      const divisors = new Float64Array(rows.length);
      const score = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const d = stage.items[i]!.declaration;
        divisors[i] = stage.levels.divideAndLearn(d.exporter_id, d.ts, raw[i]! / model.medianRaw);
        score[i] = model.calibrate(raw[i]!, divisors[i]);
      }
      const interim = stage.items.map((it) => scoreTradeFeatures(it.values, undefined, it.habit));
      const explain: number[] = [];
      for (let i = 0; i < rows.length; i++) if (Math.max(score[i]!, besideScore(interim[i]!, settings.alongside)) >= minorBand) explain.push(i);
      const explained = await model.explain(
        explain.map((i) => rows[i]!),
        explain.map((i) => divisors[i]!),
      );
      const shapley = new Map<number, GroupShapley>(explain.map((i, j) => [i, explained[j]!]));
      return {
        verdicts: rows.map((_, i) => combineTradeVerdict(interim[i]!, score[i]!, model.modelId, shapley.get(i) ?? null, groups, minorBand, settings.alongside)),
        baseline: model.card.background.baselineScore,
      };
    },
    release: () => model.release(),
  };
}
