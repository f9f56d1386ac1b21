import { z } from 'zod';
import { Domain } from './domain.ts';

/**
 * The card that travels with a trained model (models/<name>/<version>/card.json), written by
 * the Python training code and read by the processor, the registry and the UI. Consistency
 * checks (clusters, quantile tables, file references) run in `ModelCard` itself, so a card
 * that parses can be served.
 */

/** One output a model answers per scored row. */
export const ModelOutput = z.object({
  name: z.string(),
  type: z.string(),
  /** What the number means, including its sign convention. */
  meaning: z.string(),
});
export type ModelOutput = z.infer<typeof ModelOutput>;

/** One ONNX graph: its file in the model folder, input and output tensor names and types. */
export const OnnxGraph = z.object({
  file: z.string().min(1),
  input: z.string().min(1),
  inputType: z.enum(['float32', 'float64']),
  output: z.string().min(1),
  outputType: z.enum(['float32', 'float64', 'int64']),
});
export type OnnxGraph = z.infer<typeof OnnxGraph>;

export const OnnxGraphs = z.object({
  /** Opset per domain (`ai.onnx`, `ai.onnx.ml`). */
  opset: z.record(z.string(), z.number().int()),
  /** Scaler → k-means: routes each row to a cluster (null for an unclustered model: cluster 0). */
  router: OnnxGraph.nullable(),
  /** The anomaly model of each cluster; output is the raw score, higher = more anomalous. */
  scorers: z.array(OnnxGraph.extend({ cluster: z.number().int().min(0) })).min(1),
});
export type OnnxGraphs = z.infer<typeof OnnxGraphs>;

export const ModelFile = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
});
export type ModelFile = z.infer<typeof ModelFile>;

/** The exported feature set the model was fitted on. */
export const TrainingData = z.object({
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  rows: z.number().int().min(1),
  entities: z.number().int().min(1),
  entityIds: z.array(z.string()).nullable(),
  /** Event-time range of the rows, epoch ms. */
  tsMin: z.number(),
  tsMax: z.number(),
  /** Rows per ground-truth kind ('' = normal), when the export had labels. */
  truthCounts: z.record(z.string(), z.number().int()).nullable(),
});
export type TrainingData = z.infer<typeof TrainingData>;

/**
 * raw → percentile within the cluster's training raw scores (piecewise-linear through
 * `quantiles` at `probabilities`) → 0–100 (piecewise-linear through `anchors`); above the
 * cluster's training maximum the score rises linearly from the last anchor to 100 at `rawCeiling`.
 */
export const ScoreCalibration = z.object({
  method: z.literal('cluster-percentile'),
  /** Score from which a row is an anomaly. */
  threshold: z.number(),
  probabilities: z.array(z.number().min(0).max(1)).min(2),
  anchors: z.object({ percentiles: z.array(z.number().min(0).max(1)).min(2), scores: z.array(z.number().min(0).max(100)).min(2) }),
  rawCeiling: z.number(),
  clusters: z.array(z.object({ cluster: z.number().int().min(0), rows: z.number().int().min(1), quantiles: z.array(z.number()) })).min(1),
});
export type ScoreCalibration = z.infer<typeof ScoreCalibration>;

const FaultMetrics = z.object({
  rows: z.number().int(),
  flagged: z.number().int(),
  /** Fraction of this kind's rows scoring ≥ threshold. */
  detectionRate: z.number().nullable(),
  meanScore: z.number(),
  /** ROC AUC of the score, this kind's rows against the normal rows. */
  auc: z.number().nullable(),
  episodes: z.number().int(),
  episodesDetected: z.number().int(),
});

/** Metrics against the producer's ground truth (never used for fitting). */
export const ModelEvaluation = z.object({
  data: z.string(),
  threshold: z.number(),
  normal: z.object({ rows: z.number().int(), flagged: z.number().int(), falseAlarmRate: z.number().nullable() }),
  faults: z.record(z.string(), FaultMetrics),
  overall: z.object({
    rows: z.number().int(),
    faultyRows: z.number().int(),
    flagged: z.number().int(),
    precision: z.number().nullable(),
    recall: z.number().nullable(),
  }),
  /** Model-specific breakdowns (e.g. per H3 resolution); optional. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ModelEvaluation = z.infer<typeof ModelEvaluation>;

/** One feature's training distribution: the reference of drift checks (KS on quantiles, PSI on the histogram). */
export const FeatureDistribution = z.object({
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  /** At `FeatureReference.quantileProbabilities`. */
  quantiles: z.array(z.number()),
  /** Fixed edges; values outside count in the first/last bin. */
  histogram: z.object({ edges: z.array(z.number()).min(2), counts: z.array(z.number().int().min(0)) }),
});
export type FeatureDistribution = z.infer<typeof FeatureDistribution>;

export const FeatureReference = z.object({
  rows: z.number().int(),
  quantileProbabilities: z.array(z.number().min(0).max(1)),
  features: z.record(z.string(), FeatureDistribution),
});
export type FeatureReference = z.infer<typeof FeatureReference>;

/**
 * Card layouts: `chain` (scaler → k-means router → one anomaly scorer per cluster, or a single
 * scorer without a router) and `regressor` (predicts a target; its residual is the score).
 * Cards written before the field existed are chains.
 */
export const MODEL_KINDS = ['chain', 'regressor'] as const;
export const ModelKind = z.enum(MODEL_KINDS);
export type ModelKind = z.infer<typeof ModelKind>;

/** What every card carries, whatever the kind of model. */
const cardCommon = {
  schemaVersion: z.literal(1),
  domain: Domain,
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** ISO 8601, UTC. */
  created: z.string(),
  description: z.string(),
  /** Feature set name with its version, e.g. `sensor-chain@1`, `trip-fare@1`. */
  featureSet: z.string(),
  /** Input feature names in the order of the input tensor's columns. */
  features: z.array(z.string()).min(1),
  outputs: z.array(ModelOutput),
  files: z.array(ModelFile).min(1),
  training: TrainingData,
  /** Algorithm parameters and seeds (model-specific). */
  params: z.record(z.string(), z.unknown()),
  /** Checks the training run passed (e.g. ONNX vs scikit-learn agreement). */
  checks: z.record(z.string(), z.unknown()),
  reference: FeatureReference,
  /** Library versions that produced the model. */
  toolchain: z.record(z.string(), z.string()),
};

/** Probabilities and score anchors of a percentile calibration: both rise from 0 to 1. */
function checkPercentileScale(
  issue: (path: (string | number)[], message: string) => void,
  at: string,
  probabilities: readonly number[],
  anchors: { percentiles: readonly number[]; scores: readonly number[] },
): void {
  if (!strictlyIncreasing(probabilities) || probabilities[0] !== 0 || probabilities.at(-1) !== 1) {
    issue([at, 'probabilities'], 'probabilities must rise strictly from 0 to 1');
  }
  if (anchors.percentiles.length !== anchors.scores.length) issue([at, 'anchors'], 'percentiles and scores differ in length');
  if (!strictlyIncreasing(anchors.percentiles) || anchors.percentiles[0] !== 0 || anchors.percentiles.at(-1) !== 1) {
    issue([at, 'anchors', 'percentiles'], 'anchor percentiles must rise strictly from 0 to 1');
  }
  if (!nonDecreasing(anchors.scores)) issue([at, 'anchors', 'scores'], 'anchor scores must not decrease');
}

export const ModelCard = z
  .object({
    ...cardCommon,
    /** Absent in older cards: a chain. */
    kind: z.literal('chain').default('chain'),
    onnx: OnnxGraphs,
    calibration: ScoreCalibration,
    evaluation: ModelEvaluation.nullable(),
  })
  .superRefine((card, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (new Set(card.features).size !== card.features.length) issue(['features'], 'feature names repeat');
    const scorerClusters = card.onnx.scorers.map((s) => s.cluster);
    if (!scorerClusters.every((c, i) => c === i)) issue(['onnx', 'scorers'], 'scorers must be clusters 0..k-1 in order');
    if (card.onnx.router === null && card.onnx.scorers.length !== 1) issue(['onnx', 'router'], 'several clusters need a router');
    const calClusters = card.calibration.clusters.map((c) => c.cluster);
    if (calClusters.join() !== scorerClusters.join()) issue(['calibration', 'clusters'], 'one calibration table per scorer cluster, in order');
    const files = new Set(card.files.map((f) => f.path));
    const graphs = [...(card.onnx.router ? [card.onnx.router] : []), ...card.onnx.scorers];
    for (const g of graphs) if (!files.has(g.file)) issue(['files'], `ONNX file '${g.file}' is not listed in files`);
    const { probabilities, anchors } = card.calibration;
    checkPercentileScale(issue, 'calibration', probabilities, anchors);
    card.calibration.clusters.forEach((c, i) => {
      if (c.quantiles.length !== probabilities.length) issue(['calibration', 'clusters', i, 'quantiles'], 'one quantile per probability');
      else if (!nonDecreasing(c.quantiles)) issue(['calibration', 'clusters', i, 'quantiles'], 'quantiles must not decrease');
    });
    const refNames = Object.keys(card.reference.features);
    if (refNames.length !== card.features.length || !card.features.every((f) => refNames.includes(f))) {
      issue(['reference', 'features'], 'one reference distribution per input feature');
    }
  });
export type ModelCard = z.infer<typeof ModelCard>;

function strictlyIncreasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}

function nonDecreasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x >= xs[i - 1]!);
}

/** What a regressor predicts. */
export const RegressorTarget = z.object({
  /** Column of the export the model was fitted on, e.g. `fare_amount`. */
  name: z.string().min(1),
  unit: z.string(),
  meaning: z.string(),
  /** The target's training distribution (drift checks on what is observed). */
  reference: FeatureDistribution.optional(),
});
export type RegressorTarget = z.infer<typeof RegressorTarget>;

/**
 * (actual, expected) → r = (actual − expected) / max(expected, floor) → 0–100: r's percentile
 * among the training rows' r (piecewise-linear through `quantiles` at `probabilities`), then
 * piecewise-linear through `anchors`; above the training maximum linear from the last anchor to
 * 100 at `rawCeiling` (an r). The same arithmetic as ScoreCalibration with r as the raw score and
 * one table; only r above the training bulk (actual above expected) scores high.
 */
export const ResidualCalibration = z.object({
  method: z.literal('relative-residual-percentile'),
  definition: z.string(),
  /** Smallest denominator of r, in the target's unit (USD for fares). */
  floor: z.number().positive(),
  /** Score from which a row is an anomaly. */
  threshold: z.number(),
  probabilities: z.array(z.number().min(0).max(1)).min(2),
  anchors: z.object({ percentiles: z.array(z.number().min(0).max(1)).min(2), scores: z.array(z.number().min(0).max(100)).min(2) }),
  rawCeiling: z.number(),
  /** Training rows the quantiles were taken on. */
  rows: z.number().int().min(1),
  quantiles: z.array(z.number()),
});
export type ResidualCalibration = z.infer<typeof ResidualCalibration>;

export const RegressionMetrics = z.object({
  rows: z.number().int(),
  /** Mean absolute error, target unit. */
  mae: z.number(),
  rmse: z.number(),
  r2: z.number().nullable(),
  medianAbsError: z.number(),
  p99AbsError: z.number(),
  /** Mean of actual − predicted. */
  meanError: z.number(),
});
export type RegressionMetrics = z.infer<typeof RegressionMetrics>;

/** One truth kind's residuals ('' = normal). */
export const ResidualKindMetrics = z.object({
  rows: z.number().int(),
  /** Quantiles of r at `RegressorEvaluation.residualSummaryProbabilities`. */
  residualQuantiles: z.array(z.number()),
  meanScore: z.number(),
  flagged: z.number().int(),
  /** Fraction of this kind's rows scoring ≥ threshold. */
  flaggedRate: z.number().nullable(),
  /** ROC AUC of r, this kind's rows against the normal rows (null for the normal rows). */
  auc: z.number().nullable(),
});
export type ResidualKindMetrics = z.infer<typeof ResidualKindMetrics>;

const RegressorSplitMetrics = z.object({
  metrics: z.object({ all: RegressionMetrics, normal: RegressionMetrics.nullable() }),
  /** Per truth kind, when the export had labels. */
  byKind: z.record(z.string(), ResidualKindMetrics).nullable(),
});

/** A regressor's figures: a time-ordered holdout and in-sample (labels for reporting only). */
export const RegressorEvaluation = z.object({
  data: z.string(),
  threshold: z.number(),
  residualSummaryProbabilities: z.array(z.number().min(0).max(1)),
  holdout: RegressorSplitMetrics.extend({
    split: z.string(),
    fraction: z.number(),
    /** First event time of the held-out rows, epoch ms. */
    splitTs: z.number(),
    trainRows: z.number().int(),
    rows: z.number().int(),
  }).nullable(),
  inSample: RegressorSplitMetrics,
});
export type RegressorEvaluation = z.infer<typeof RegressorEvaluation>;

/** The card of a regressor (e.g. trip-fare): one ONNX graph predicting the target, a residual calibration. */
export const RegressorModelCard = z
  .object({
    ...cardCommon,
    kind: z.literal('regressor'),
    target: RegressorTarget,
    onnx: z.object({
      /** Opset per domain (`ai.onnx`, `ai.onnx.ml`). */
      opset: z.record(z.string(), z.number().int()),
      /** Features → the expected target, one value per row. */
      regressor: OnnxGraph,
    }),
    residual: ResidualCalibration,
    evaluation: RegressorEvaluation.nullable(),
  })
  .superRefine((card, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (new Set(card.features).size !== card.features.length) issue(['features'], 'feature names repeat');
    const g = card.onnx.regressor;
    if (!card.files.some((f) => f.path === g.file)) issue(['files'], `ONNX file '${g.file}' is not listed in files`);
    if (g.outputType === 'int64') issue(['onnx', 'regressor', 'outputType'], 'a regressor answers float32 or float64');
    const { probabilities, anchors, quantiles } = card.residual;
    checkPercentileScale(issue, 'residual', probabilities, anchors);
    if (quantiles.length !== probabilities.length) issue(['residual', 'quantiles'], 'one quantile per probability');
    else if (!nonDecreasing(quantiles)) issue(['residual', 'quantiles'], 'quantiles must not decrease');
    const refNames = Object.keys(card.reference.features);
    if (refNames.length !== card.features.length || !card.features.every((f) => refNames.includes(f))) {
      issue(['reference', 'features'], 'one reference distribution per input feature');
    }
  });
export type RegressorModelCard = z.infer<typeof RegressorModelCard>;

/**
 * raw reconstruction error → 0–100: the same percentile → anchors arithmetic as
 * ScoreCalibration with one table (the training rows' errors); above the training maximum
 * linear from the last anchor to 100 at `rawCeiling`.
 */
export const ErrorCalibration = z.object({
  method: z.literal('reconstruction-error-percentile'),
  definition: z.string(),
  /** Score from which a row is an anomaly. */
  threshold: z.number(),
  probabilities: z.array(z.number().min(0).max(1)).min(2),
  anchors: z.object({ percentiles: z.array(z.number().min(0).max(1)).min(2), scores: z.array(z.number().min(0).max(100)).min(2) }),
  rawCeiling: z.number(),
  rows: z.number().int().min(1),
  quantiles: z.array(z.number()),
});
export type ErrorCalibration = z.infer<typeof ErrorCalibration>;

/** The rows explanations are computed against (interventional Shapley values), in `features` order. */
export const ShapleyBackground = z.object({
  method: z.string(),
  eventIds: z.array(z.string()),
  rows: z.array(z.array(z.number())).min(1),
  /** Mean calibrated score of the rows: what every explanation's values add up from. */
  baselineScore: z.number(),
});
export type ShapleyBackground = z.infer<typeof ShapleyBackground>;

/** The card of an autoencoder (e.g. trade-ae): one graph features → reconstruction error, a calibration, named feature groups and a background. */
export const AutoencoderModelCard = z
  .object({
    ...cardCommon,
    kind: z.literal('autoencoder'),
    /** Named feature groups in order; concatenated they are `features`. */
    groups: z.record(z.string(), z.array(z.string()).min(1)),
    onnx: z.object({ opset: z.record(z.string(), z.number().int()), autoencoder: OnnxGraph }),
    calibration: ErrorCalibration,
    background: ShapleyBackground,
    /** Per truth kind, in sample (labels for reporting only). */
    evaluation: z.record(z.string(), z.unknown()).nullable(),
  })
  .superRefine((card, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (new Set(card.features).size !== card.features.length) issue(['features'], 'feature names repeat');
    if (Object.values(card.groups).flat().join() !== card.features.join()) issue(['groups'], 'the groups, concatenated in order, must be the features');
    const g = card.onnx.autoencoder;
    if (!card.files.some((f) => f.path === g.file)) issue(['files'], `ONNX file '${g.file}' is not listed in files`);
    const { probabilities, anchors, quantiles } = card.calibration;
    checkPercentileScale(issue, 'calibration', probabilities, anchors);
    if (quantiles.length !== probabilities.length) issue(['calibration', 'quantiles'], 'one quantile per probability');
    else if (!nonDecreasing(quantiles)) issue(['calibration', 'quantiles'], 'quantiles must not decrease');
    card.background.rows.forEach((r, i) => {
      if (r.length !== card.features.length) issue(['background', 'rows', i], `has ${r.length} values for ${card.features.length} features`);
    });
  });
export type AutoencoderModelCard = z.infer<typeof AutoencoderModelCard>;

/** Any card: a chain (also when `kind` is absent), a regressor or an autoencoder. */
export const AnyModelCard = z.union([ModelCard, RegressorModelCard, AutoencoderModelCard]);
export type AnyModelCard = z.infer<typeof AnyModelCard>;
