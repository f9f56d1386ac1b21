import type { InferenceSession } from 'onnxruntime-node';
import { ModelCard } from '../../../../../contracts/index.ts';
import { TRIP_CELL_FEATURE_SET, TRIP_CELL_FEATURES } from '../trip-cell-features.ts';
import { calibratedScore, clusterCalibrations, type ClusterCalibration } from '../../../adapters/onnx/calibration.ts';
import { ModelLoadError } from '../../../adapters/onnx/model-errors.ts';
import { openModelGraph, packRows, readModelCard, runGraph, type ModelFolderOptions } from '../../../adapters/onnx/model-folder.ts';

export const TRIP_DEMAND_MODEL = 'trip-demand';

/** One scored trip-cell@1 row. */
export interface TripDemandScore {
  /** The forest's raw anomaly score, −score_samples: (0, 1], higher = more anomalous. */
  raw: number;
  /** Calibrated 0–100; ≥ 70 is an anomaly (top 1 % of the training rows). */
  score: number;
}

export interface TripDemandModel {
  readonly card: ModelCard;
  /** `<name>@<version>`, e.g. `trip-demand@1`. */
  readonly modelId: string;
  /** Index in a trip-cell@1 vector of each model input, in the card's feature order. */
  readonly columns: readonly number[];
  /**
   * Scores full trip-cell@1 vectors (23 values, TRIP_CELL_FEATURES order); the model reads
   * only the card's features from them. One forest run per batch. Throws ModelInputError for a
   * vector of the wrong length or a non-finite value among the model's features.
   */
  score(rows: readonly ArrayLike<number>[]): Promise<TripDemandScore[]>;
  /** Frees the onnxruntime session; the model cannot be used afterwards. */
  release(): Promise<void>;
}

/**
 * Loads a trip-demand model folder (card.json + iforest-0.onnx written by
 * `python3 -m vigia_models.train_trip_demand`): a chain card without a router and with one
 * forest, whose features are names of the trip-cell@1 set this processor computes. Throws
 * ModelLoadError with the reason otherwise.
 */
export async function loadTripDemandModel(dir: string, options: ModelFolderOptions = {}): Promise<TripDemandModel> {
  const card = await readModelCard(dir, ModelCard, 'ModelCard');
  if (card.domain !== 'trip' || card.name !== TRIP_DEMAND_MODEL) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `is ${card.domain}/${card.name}, not trip/${TRIP_DEMAND_MODEL}`);
  }
  const known: readonly string[] = TRIP_CELL_FEATURES;
  const unknown = card.features.filter((f) => !known.includes(f));
  if (card.featureSet !== TRIP_CELL_FEATURE_SET || unknown.length > 0) {
    throw new ModelLoadError(
      dir,
      'features-mismatch',
      'card.json',
      `was trained on ${card.featureSet} [${card.features.join(', ')}] but this processor computes ${TRIP_CELL_FEATURE_SET}` +
        (unknown.length ? `, which has no ${unknown.join(', ')}` : '') +
        '; retrain on a fresh export',
    );
  }
  if (card.onnx.router !== null || card.onnx.scorers.length !== 1) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `must have no router and one scorer, has ${card.onnx.router ? 'a router and ' : ''}${card.onnx.scorers.length} scorers`);
  }
  const session = await openModelGraph(dir, card.files, card.onnx.scorers[0]!, options);
  return new OnnxTripDemandModel(card, session);
}

class OnnxTripDemandModel implements TripDemandModel {
  readonly modelId: string;
  readonly columns: readonly number[];
  readonly #calibration: ClusterCalibration;

  constructor(
    readonly card: ModelCard,
    private readonly session: InferenceSession,
  ) {
    this.modelId = `${card.name}@${card.version}`;
    const names: readonly string[] = TRIP_CELL_FEATURES;
    this.columns = card.features.map((f) => names.indexOf(f));
    this.#calibration = clusterCalibrations(card.calibration)[0]!;
  }

  async score(rows: readonly ArrayLike<number>[]): Promise<TripDemandScore[]> {
    const n = rows.length;
    if (n === 0) return [];
    const width = this.columns.length;
    const x = packRows(rows, TRIP_CELL_FEATURES.length, this.columns, this.card.features, this.modelId);
    const raw = await runGraph(this.session, this.card.onnx.scorers[0]!, x, n, width);
    const out: TripDemandScore[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { raw: raw[i]!, score: calibratedScore(raw[i]!, this.#calibration) };
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
