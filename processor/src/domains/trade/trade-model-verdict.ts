// The trade verdict when the autoencoder is loaded: final score = the larger of the model's
// calibrated score and what stands beside it (the rules only, or the whole interim score), the
// detector naming both when both reach an anomaly, and the explanation: the Shapley values of
// the model's score by feature group, largest first. The top group is the deciding signal's: a
// rule or interim signal that reaches the minor band on its own names it (a firing rule also
// keeps its score, as in the interim score: what must never be missed keeps its own name); the
// model's largest Shapley group names it only when the model alone makes the anomaly. A named
// signal says what it tested; the model's attribution is relative to its background and, on
// seeds 3–5, named the injected kind's group less often where both fired (hit rate 0.97–0.99
// against 0.98–1.00). The Shapley values are stored beside the group either way. Pure.
import type { AnomalyDriver, Attribution } from '../../../../contracts/index.ts';
import type { GroupShapley } from './group-shapley.ts';
import { TRADE_RULES_DETECTOR, type TradeVerdict } from './trade-interim-score.ts';
import type { TradeFeatureGroup } from './trade-features.ts';

export type TradeAlongside = 'rules' | 'interim';

export interface TradeModelVerdict extends TradeVerdict {
  /** The model's own calibrated score. */
  modelScore: number;
  /** Per group, largest first (empty without an explanation). */
  attributions: Attribution[];
  /** What the attributions add up from (modelScore − Σ = baseline); null without an explanation. */
  baseline: number | null;
}

/** The score of the verdict that stands beside the model: a rule's, or the interim score's. */
export function besideScore(v: TradeVerdict, alongside: TradeAlongside): number {
  return alongside === 'interim' || v.detector === TRADE_RULES_DETECTOR ? v.score : 0;
}

export function combineTradeVerdict(interim: TradeVerdict, modelScore: number, modelId: string, shapley: GroupShapley | null, groups: readonly string[], minor: number, alongside: TradeAlongside): TradeModelVerdict {
  const beside = besideScore(interim, alongside);
  const attributions: Attribution[] = shapley ? groups.map((group, i) => ({ group, value: shapley.values[i]! })).sort((a, b) => b.value - a.value) : [];
  const modelDrivers: AnomalyDriver[] = attributions
    .filter((a) => a.value > 0)
    .slice(0, 3)
    .map((a) => ({ feature: `${a.group}`, score: Math.min(100, Math.max(0, a.value)), value: a.value, expected: null, reason: `adds ${a.value.toFixed(1)} points to ${modelId}'s score ${modelScore.toFixed(1)} (Shapley value of the group)` }));
  const besideDrivers = beside > 0 ? interim.drivers : [];
  // A rule that reaches an anomaly leads, however high the model scores beside it.
  const ruleLeads = interim.detector === TRADE_RULES_DETECTOR && beside >= minor;
  const modelWins = !ruleLeads && modelScore >= beside;
  const both = modelScore >= minor && beside >= minor;
  const detector = both ? `${modelId}+${interim.detector}` : modelWins ? modelId : interim.detector;
  const drivers = (modelWins ? [...modelDrivers, ...besideDrivers] : [...besideDrivers, ...modelDrivers]).slice(0, 5);
  const top = attributions[0]?.group as TradeFeatureGroup | undefined;
  const group = beside >= minor || !modelWins ? interim.group : (top ?? (beside > 0 ? interim.group : ''));
  return { score: ruleLeads ? beside : Math.max(modelScore, beside), detector, drivers, group, modelScore, attributions, baseline: shapley?.baseline ?? null };
}
