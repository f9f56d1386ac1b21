import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { assertBatchingInvariant, assertCalibrationReached, assertWithin, maxDiff, readParityFile, type ParityRows } from '../../../adapters/onnx/parity-check.ts';
import { TRIP_CELL_FEATURES } from '../trip-cell-features.ts';
import { loadTripDemandModel, type TripDemandModel } from './trip-demand-model.ts';

// The committed default model and what Python's onnxruntime + vigia_models.calibration answered at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-demand/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile extends ParityRows {
  /** The model's inputs are picked from full trip-cell@1 vectors. */
  inputFeatures: string[];
  raw: number[];
}

let model: TripDemandModel;
let parity: ParityFile;
before(async () => {
  model = await loadTripDemandModel(MODEL_DIR);
  parity = await readParityFile<ParityFile>(MODEL_DIR);
});
after(() => model.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, model.card.features);
  assert.deepEqual(parity.inputFeatures, [...TRIP_CELL_FEATURES]);
  const got = await model.score(parity.inputs.map((r) => Float64Array.from(r)));
  assertWithin('raw', maxDiff(got.map((g) => g.raw), parity.raw), TOLERANCE);
  assertWithin('score', maxDiff(got.map((g) => g.score), parity.score), TOLERANCE);
});

test('batching does not change a row\'s result', () => assertBatchingInvariant(parity.inputs.slice(0, 40), (rows) => model.score(rows)));

test('the parity rows reach the calibration from bottom to top', () => assertCalibrationReached(parity.score));
