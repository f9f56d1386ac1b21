import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelCard, type OnnxGraph } from '../../../../../contracts/index.ts';
import { SENSOR_CHAIN_FEATURES, SENSOR_CHAIN_FEATURE_SET } from '../sensor-chain-features.ts';
import { calibratedScore, clusterCalibrations } from '../../../adapters/onnx/calibration.ts';
import { ModelInputError, ModelLoadError } from '../../../adapters/onnx/model-errors.ts';
import { openModelGraph, readModelCard } from '../../../adapters/onnx/model-folder.ts';

export const SENSOR_CHAIN_MODEL = 'sensor-chain';

/** One scored feature vector. */
export interface SensorChainScore {
  /** k-means cluster of the vector; its forest scored it. */
  cluster: number;
  /** The cluster forest's raw anomaly score, −score_samples: (0, 1], higher = more anomalous. */
  raw: number;
  /** Calibrated 0–100 within the cluster; ≥ 70 is an anomaly (top 1 % of the cluster's training rows). */
  score: number;
}

export interface SensorChainScorer {
  readonly card: ModelCard;
  /** `<name>@<version>`, e.g. `sensor-chain@1`: the detector name for scores and anomalies. */
  readonly modelId: string;
  /**
   * Scores a batch: one router run for all rows, then one forest run per cluster present.
   * onnxruntime-node runs on the event loop's thread, so size batches (hundreds to a few
   * thousand rows). Throws ModelInputError for a vector of the wrong length or a non-finite value.
   */
  scoreBatch(vectors: readonly (readonly number[])[]): Promise<SensorChainScore[]>;
  /** Frees the onnxruntime sessions; the scorer cannot be used afterwards. */
  release(): Promise<void>;
}

export interface LoadSensorChainOptions {
  /** Threads onnxruntime uses within one run. @default 1 (the processor shares a small machine) */
  intraOpNumThreads?: number;
  /** Verify each ONNX file's sha256 against the card. @default true */
  verifyHashes?: boolean;
}

/**
 * Loads a sensor-chain model folder (card.json + ONNX files written by
 * `python3 -m vigia_models.train_sensor_chain`): validates the card, checks that its feature
 * set is the one this processor computes and that the files are the ones the card names, and
 * creates each onnxruntime session once. Throws ModelLoadError with the reason otherwise.
 */
export async function loadSensorChain(dir: string, options: LoadSensorChainOptions = {}): Promise<SensorChainScorer> {
  const card = await readModelCard(dir, ModelCard, 'ModelCard');
  if (card.domain !== 'sensor' || card.name !== SENSOR_CHAIN_MODEL) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `is ${card.domain}/${card.name}, not sensor/${SENSOR_CHAIN_MODEL}`);
  }
  if (card.featureSet !== SENSOR_CHAIN_FEATURE_SET || card.features.join() !== SENSOR_CHAIN_FEATURES.join()) {
    throw new ModelLoadError(
      dir,
      'features-mismatch',
      'card.json',
      `was trained on ${card.featureSet} [${card.features.join(', ')}] but this processor computes ` +
        `${SENSOR_CHAIN_FEATURE_SET} [${SENSOR_CHAIN_FEATURES.join(', ')}]; retrain on a fresh export`,
    );
  }
  const router = card.onnx.router;
  if (router && router.outputType !== 'int64') {
    throw new ModelLoadError(dir, 'card-invalid', router.file, `router output must be int64 cluster ids, not ${router.outputType}`);
  }
  const open = (g: OnnxGraph) => openModelGraph(dir, card.files, g, options);
  const routerSession = router ? await open(router) : null;
  const scorerSessions: InferenceSession[] = [];
  for (const s of card.onnx.scorers) scorerSessions.push(await open(s));
  return new OnnxSensorChainScorer(card, router, routerSession, scorerSessions);
}

class OnnxSensorChainScorer implements SensorChainScorer {
  readonly modelId: string;
  readonly #width: number;
  readonly #calibrations;

  constructor(
    readonly card: ModelCard,
    private readonly router: OnnxGraph | null,
    private readonly routerSession: InferenceSession | null,
    private readonly scorerSessions: readonly InferenceSession[],
  ) {
    this.modelId = `${card.name}@${card.version}`;
    this.#width = card.features.length;
    this.#calibrations = clusterCalibrations(card.calibration);
  }

  async scoreBatch(vectors: readonly (readonly number[])[]): Promise<SensorChainScore[]> {
    const n = vectors.length;
    if (n === 0) return [];
    const width = this.#width;
    const x = new Float64Array(n * width);
    for (let i = 0; i < n; i++) {
      const v = vectors[i]!;
      if (v.length !== width) throw new ModelInputError(i, `has ${v.length} features, ${this.modelId} takes ${width} (${this.card.features.join(', ')})`);
      for (let j = 0; j < width; j++) {
        const value = v[j]!;
        if (!Number.isFinite(value)) throw new ModelInputError(i, `${this.card.features[j]} is ${value}`);
        x[i * width + j] = value;
      }
    }

    const k = this.scorerSessions.length;
    const cluster = new Int32Array(n);
    if (this.router && this.routerSession) {
      const out = await this.routerSession.run({ [this.router.input]: inputTensor(this.router, x, n, width) }, [this.router.output]);
      const labels = out[this.router.output]!.data as BigInt64Array;
      for (let i = 0; i < n; i++) {
        const c = Number(labels[i]);
        if (!(c >= 0 && c < k)) throw new Error(`${this.modelId}: router answered cluster ${c}, the card has ${k}`);
        cluster[i] = c;
      }
    }

    // Group rows by cluster so each forest runs once on its rows.
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[cluster[i]!]!++;
    const raw = new Float64Array(n);
    for (let c = 0; c < k; c++) {
      const m = counts[c]!;
      if (m === 0) continue;
      const rows = new Int32Array(m);
      const sub = m === n ? x : new Float64Array(m * width);
      for (let i = 0, r = 0; i < n; i++) {
        if (cluster[i] !== c) continue;
        rows[r] = i;
        if (sub !== x) sub.set(x.subarray(i * width, (i + 1) * width), r * width);
        r++;
      }
      const graph = this.card.onnx.scorers[c]!;
      const out = await this.scorerSessions[c]!.run({ [graph.input]: inputTensor(graph, sub, m, width) }, [graph.output]);
      const values = out[graph.output]!.data as Float32Array | Float64Array;
      for (let r = 0; r < m; r++) raw[rows[r]!] = values[r]!;
    }

    const result: SensorChainScore[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const c = cluster[i]!;
      result[i] = { cluster: c, raw: raw[i]!, score: calibratedScore(raw[i]!, this.#calibrations[c]!) };
    }
    return result;
  }

  async release(): Promise<void> {
    await this.routerSession?.release();
    for (const s of this.scorerSessions) await s.release();
  }
}

function inputTensor(graph: OnnxGraph, x: Float64Array, rows: number, width: number): Tensor {
  return graph.inputType === 'float64' ? new Tensor('float64', x, [rows, width]) : new Tensor('float32', Float32Array.from(x), [rows, width]);
}

/** The entities a model was trained on, from its card (undefined when the card does not list them). */
export function trainedEntities(scorer: Pick<SensorChainScorer, 'card'>): ReadonlySet<string> | undefined {
  const ids = scorer.card.training.entityIds;
  return ids ? new Set(ids) : undefined;
}
