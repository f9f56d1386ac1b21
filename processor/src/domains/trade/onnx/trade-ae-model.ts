import type { InferenceSession } from 'onnxruntime-node';
import { AutoencoderModelCard } from '../../../../../contracts/index.ts';
import { calibratedScore, type ClusterCalibration } from '../../../adapters/onnx/calibration.ts';
import { ModelLoadError } from '../../../adapters/onnx/model-errors.ts';
import { openModelGraph, packRows, readModelCard, runGraph, type ModelFolderOptions } from '../../../adapters/onnx/model-folder.ts';
import { coalitionRowCount, groupLayout, planCoalitionRows, shapleyFromScores, writePlannedRows, type GroupLayout, type GroupShapley } from '../group-shapley.ts';
import { TRADE_FEATURE_GROUPS, TRADE_FEATURE_SET, TRADE_FEATURES } from '../trade-features.ts';

export const TRADE_AE_MODEL = 'trade-ae';

/**
 * Coalition rows scored per graph run when explaining. A micro-batch of 2 000 declarations with
 * ~110 anomalies has ~70 000 distinct coalition rows: as one run that was a fresh 25 MB input
 * (zero-filled, page-faulted) and a dozen intermediate tensors of the same size in onnxruntime,
 * none of it in cache. In chunks of this many rows the input is one reused buffer (0.7 MB at 42
 * features) and the run's tensors stay in cache. A row's score does not depend on the rows run
 * beside it (each output row is its own dot products and row mean; checked by
 * bench/probes/trade-model-hash.ts), so the values are the same. At least 2^k · B rows (one
 * explanation's most) so that every chunk holds one explanation whole.
 */
export const EXPLAIN_CHUNK_ROWS = 2_048;

/**
 * A card trained on another trade feature set than the processor computes (names, order or
 * groups differ). Retrain: models/dev/retrain-trade-ae.sh.
 */
export class TradeFeatureSetMismatchError extends ModelLoadError {
  override name = 'TradeFeatureSetMismatchError';
}

export interface TradeAeModel {
  readonly card: AutoencoderModelCard;
  /** `trade-ae@<version>`: the detector name of its scores. */
  readonly modelId: string;
  readonly layout: GroupLayout;
  /** The training rows' median raw error: the unit of a company's self-calibration level. */
  readonly medianRaw: number;
  /** Raw reconstruction error of each vector, one graph run. */
  raw(rows: readonly ArrayLike<number>[]): Promise<Float64Array>;
  /** The calibrated 0–100 score of a raw error, judged at `divisor` times the population's scale. */
  calibrate(raw: number, divisor?: number): number;
  /** Raw reconstruction error and calibrated 0–100 score of each vector, one graph run. */
  score(rows: readonly ArrayLike<number>[]): Promise<{ raw: Float64Array; score: Float64Array }>;
  /**
   * Exact group Shapley values of the calibrated score for each vector: one graph run for all of
   * them. With `divisors`, vector i's score (and every coalition row of its explanation) is
   * calibrate(raw, divisors[i]), so its values add up to that score − its own baseline.
   */
  explain(rows: readonly ArrayLike<number>[], divisors?: ArrayLike<number>): Promise<GroupShapley[]>;
  release(): Promise<void>;
}

/** What differs between two name lists, for the mismatch message. */
function difference(card: readonly string[], ours: readonly string[]): string {
  const missing = ours.filter((f) => !card.includes(f));
  const extra = card.filter((f) => !ours.includes(f));
  const parts = [];
  if (missing.length) parts.push(`the card lacks [${missing.join(', ')}]`);
  if (extra.length) parts.push(`the processor no longer computes [${extra.join(', ')}]`);
  if (!parts.length) parts.push('same names in another order');
  return parts.join('; ');
}

/**
 * Loads a trade-ae folder (card.json + autoencoder.onnx written by
 * `python3 -m vigia_models.train_trade_ae`): the card must be trained on exactly the feature
 * names, order and groups this processor computes (TradeFeatureSetMismatchError naming the
 * difference otherwise), the ONNX file the one the card names.
 */
export async function loadTradeAeModel(dir: string, options: ModelFolderOptions = {}): Promise<TradeAeModel> {
  const card = await readModelCard(dir, AutoencoderModelCard, 'AutoencoderModelCard');
  if (card.domain !== 'trade' || card.name !== TRADE_AE_MODEL) throw new ModelLoadError(dir, 'card-invalid', 'card.json', `is ${card.domain}/${card.name}, not trade/${TRADE_AE_MODEL}`);
  if (card.features.join() !== TRADE_FEATURES.join()) {
    throw new TradeFeatureSetMismatchError(
      dir,
      'features-mismatch',
      'card.json',
      `was trained on ${card.featureSet} features that differ from the ${TRADE_FEATURE_SET} this processor computes (${difference(card.features, TRADE_FEATURES)}); retrain with models/dev/retrain-trade-ae.sh`,
    );
  }
  const ours = JSON.stringify(TRADE_FEATURE_GROUPS);
  if (JSON.stringify(card.groups) !== ours) {
    throw new TradeFeatureSetMismatchError(dir, 'features-mismatch', 'card.json', `groups ${JSON.stringify(card.groups)} differ from the processor's ${ours}; retrain with models/dev/retrain-trade-ae.sh`);
  }
  if (!card.calibration.probabilities.includes(0.5)) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', "calibration.probabilities lacks 0.5: the training median raw error is the unit of a company's self-calibration level; retrain with models/dev/retrain-trade-ae.sh");
  }
  const session = await openModelGraph(dir, card.files, card.onnx.autoencoder, options);
  return new OnnxTradeAeModel(card, session);
}

class OnnxTradeAeModel implements TradeAeModel {
  readonly modelId: string;
  readonly medianRaw: number;
  readonly layout: GroupLayout;
  readonly #calibration: ClusterCalibration;
  readonly #columns: readonly number[];
  readonly #background: Float64Array;
  // Coalition rows of one chunk (EXPLAIN_CHUNK_ROWS): reused, since a fresh buffer per call cost
  // its page faults and GC in the profile; a call that overlaps another takes its own.
  #scratch: Float64Array | null = null;
  #scratchBusy = false;

  constructor(
    readonly card: AutoencoderModelCard,
    private readonly session: InferenceSession,
  ) {
    this.modelId = `${card.name}@${card.version}`;
    this.layout = groupLayout(card.features, card.groups);
    const c = card.calibration;
    this.#calibration = { probabilities: c.probabilities, quantiles: c.quantiles, anchorPercentiles: c.anchors.percentiles, anchorScores: c.anchors.scores, rawCeiling: c.rawCeiling };
    this.#columns = card.features.map((_, j) => j);
    this.#background = Float64Array.from(card.background.rows.flat());
    this.medianRaw = c.quantiles[c.probabilities.indexOf(0.5)]!;
  }

  calibrate(raw: number, divisor = 1): number {
    // raw / 1 is raw exactly: with divisor 1 the score is the card's calibration bit for bit.
    return calibratedScore(raw / divisor, this.#calibration);
  }

  async #run(x: Float64Array, n: number): Promise<{ raw: Float64Array; score: Float64Array }> {
    const raw = await runGraph(this.session, this.card.onnx.autoencoder, x, n, this.#columns.length);
    const score = new Float64Array(n);
    for (let i = 0; i < n; i++) score[i] = calibratedScore(raw[i]!, this.#calibration);
    return { raw, score };
  }

  async raw(rows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    if (rows.length === 0) return new Float64Array(0);
    const width = this.#columns.length;
    return runGraph(this.session, this.card.onnx.autoencoder, packRows(rows, width, this.#columns, this.card.features, this.modelId), rows.length, width);
  }

  async score(rows: readonly ArrayLike<number>[]): Promise<{ raw: Float64Array; score: Float64Array }> {
    if (rows.length === 0) return { raw: new Float64Array(0), score: new Float64Array(0) };
    const width = this.#columns.length;
    return this.#run(packRows(rows, width, this.#columns, this.card.features, this.modelId), rows.length);
  }

  async explain(rows: readonly ArrayLike<number>[], divisors?: ArrayLike<number>): Promise<GroupShapley[]> {
    if (rows.length === 0) return [];
    const width = this.#columns.length;
    const checked = packRows(rows, width, this.#columns, this.card.features, this.modelId);
    const B = this.card.background.rows.length;
    // Only each row's distinct coalition rows are scored (about 60 % of the 2^k · B on trade data).
    const xs = rows.map((_, i) => checked.subarray(i * width, (i + 1) * width));
    const plans = xs.map((xi) => planCoalitionRows(xi, this.#background, this.layout));
    const chunkRows = Math.max(EXPLAIN_CHUNK_ROWS, coalitionRowCount(this.layout, B));
    const own = !this.#scratchBusy;
    const x = own ? (this.#scratch ??= new Float64Array(chunkRows * width)) : new Float64Array(chunkRows * width);
    if (own) this.#scratchBusy = true;
    try {
      const out: GroupShapley[] = [];
      const at = new Int32Array(plans.length);
      for (let first = 0; first < plans.length; ) {
        // As many whole explanations as fit in one chunk.
        let total = 0;
        let end = first;
        while (end < plans.length && total + plans[end]!.rows <= chunkRows) {
          at[end] = total;
          writePlannedRows(plans[end]!, xs[end]!, this.#background, this.layout, x, total);
          total += plans[end]!.rows;
          end++;
        }
        const raw = await runGraph(this.session, this.card.onnx.autoencoder, x.subarray(0, total * width), total, width);
        const score = new Float64Array(total);
        for (let i = first; i < end; i++) {
          const divisor = divisors ? divisors[i]! : 1;
          for (let r = at[i]!, last = r + plans[i]!.rows; r < last; r++) score[r] = this.calibrate(raw[r]!, divisor);
          out.push(shapleyFromScores(score, at[i]!, B, this.layout, plans[i]));
        }
        first = end;
      }
      return out;
    } finally {
      if (own) this.#scratchBusy = false;
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
