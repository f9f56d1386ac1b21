import type { InferenceSession } from 'onnxruntime-node';
import { RegressorModelCard, type ResidualCalibration } from '../../../../../contracts/index.ts';
import { TRIP_FARE_FEATURE_SET, TRIP_FARE_FEATURES } from '../trip-fare-features.ts';
import { calibratedScore, type ClusterCalibration } from '../../../adapters/onnx/calibration.ts';
import { ModelLoadError } from '../../../adapters/onnx/model-errors.ts';
import { openModelGraph, packRows, readModelCard, runGraph, type ModelFolderOptions } from '../../../adapters/onnx/model-folder.ts';

export const TRIP_FARE_MODEL = 'trip-fare';

export interface TripFareModel {
  readonly card: RegressorModelCard;
  /** `<name>@<version>`, e.g. `trip-fare@1`: the detector name for scores and anomalies. */
  readonly modelId: string;
  /**
   * Expected fare_amount (USD) of each trip-fare@1 vector, one regressor run for the batch.
   * Throws ModelInputError for a vector of the wrong length or a non-finite value.
   */
  predict(rows: readonly ArrayLike<number>[]): Promise<Float64Array>;
  /** 0–100 of an actual fare against its expected one (fareResidualScore with this card). */
  score(actual: number, expected: number): number;
  /** Frees the onnxruntime session; the model cannot be used afterwards. */
  release(): Promise<void>;
}

/** r = (actual − expected) / max(expected, floor): > 0 when charged more than expected. */
export function fareResidual(actual: number, expected: number, residual: Pick<ResidualCalibration, 'floor'>): number {
  return (actual - expected) / Math.max(expected, residual.floor);
}

/** The card's residual calibration in the shape calibration.ts scores with (r as the raw score). */
export function residualCalibration(residual: ResidualCalibration): ClusterCalibration {
  return {
    probabilities: residual.probabilities,
    quantiles: residual.quantiles,
    anchorPercentiles: residual.anchors.percentiles,
    anchorScores: residual.anchors.scores,
    rawCeiling: residual.rawCeiling,
  };
}

/**
 * 0–100 of (actual, expected) from the card's residual calibration: r's percentile among the
 * training rows' r, through the anchors (≥ 70 = above the alarm quantile of training r); beyond
 * the training maximum on to 100 at rawCeiling. Undercharges land at the bottom. Pure; the same
 * arithmetic as vigia_models/residual.py (parity-tested).
 */
export function fareResidualScore(actual: number, expected: number, residual: ResidualCalibration, calibration = residualCalibration(residual)): number {
  return calibratedScore(fareResidual(actual, expected, residual), calibration);
}

/**
 * Loads a trip-fare model folder (card.json + regressor.onnx written by
 * `python3 -m vigia_models.train_trip_fare`): validates the card, checks that it is trained on
 * the trip-fare@1 this processor computes and that the ONNX file is the one the card names, and
 * creates the onnxruntime session once. Throws ModelLoadError with the reason otherwise.
 */
export async function loadTripFareModel(dir: string, options: ModelFolderOptions = {}): Promise<TripFareModel> {
  const card = await readModelCard(dir, RegressorModelCard, 'RegressorModelCard');
  if (card.domain !== 'trip' || card.name !== TRIP_FARE_MODEL) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `is ${card.domain}/${card.name}, not trip/${TRIP_FARE_MODEL}`);
  }
  if (card.featureSet !== TRIP_FARE_FEATURE_SET || card.features.join() !== TRIP_FARE_FEATURES.join()) {
    throw new ModelLoadError(
      dir,
      'features-mismatch',
      'card.json',
      `was trained on ${card.featureSet} [${card.features.join(', ')}] but this processor computes ` +
        `${TRIP_FARE_FEATURE_SET} [${TRIP_FARE_FEATURES.join(', ')}]; retrain on a fresh export`,
    );
  }
  const session = await openModelGraph(dir, card.files, card.onnx.regressor, options);
  return new OnnxTripFareModel(card, session);
}

class OnnxTripFareModel implements TripFareModel {
  readonly modelId: string;
  readonly #columns: readonly number[];
  readonly #calibration: ClusterCalibration;

  constructor(
    readonly card: RegressorModelCard,
    private readonly session: InferenceSession,
  ) {
    this.modelId = `${card.name}@${card.version}`;
    this.#columns = card.features.map((_, j) => j);
    this.#calibration = residualCalibration(card.residual);
  }

  async predict(rows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    const n = rows.length;
    if (n === 0) return new Float64Array(0);
    const width = this.#columns.length;
    const x = packRows(rows, width, this.#columns, this.card.features, this.modelId);
    return runGraph(this.session, this.card.onnx.regressor, x, n, width);
  }

  score(actual: number, expected: number): number {
    return fareResidualScore(actual, expected, this.card.residual, this.#calibration);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
