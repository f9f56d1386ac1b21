import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { assertBatchingInvariant, assertCalibrationReached, assertWithin, maxDiff, readParityFile, type ParityRows } from '../../../adapters/onnx/parity-check.ts';
import { loadTripFareModel, type TripFareModel } from './trip-fare-model.ts';

// The committed default model and what Python's onnxruntime + vigia_models.residual answered at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-fare/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile extends ParityRows {
  actual: number[];
  expected: number[];
  residual: number[];
}

let model: TripFareModel;
let parity: ParityFile;
before(async () => {
  model = await loadTripFareModel(MODEL_DIR);
  parity = await readParityFile<ParityFile>(MODEL_DIR);
});
after(() => model.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, model.card.features);
  const expected = await model.predict(parity.inputs.map((r) => Float64Array.from(r)));
  assertWithin('expected fare (USD)', maxDiff(expected, parity.expected), TOLERANCE);
  assertWithin('score', maxDiff(Array.from(expected, (e, i) => model.score(parity.actual[i]!, e)), parity.score), TOLERANCE);
});

test('the residual score of the Python outputs is the same number', () => {
  parity.expected.forEach((e, i) => {
    assert.equal(model.score(parity.actual[i]!, e), parity.score[i], `row ${i} (${parity.sources[i]})`);
  });
});

test('batching does not change a row\'s prediction', () => assertBatchingInvariant(parity.inputs.slice(0, 40), (rows) => model.predict(rows)));

test('the parity rows reach every part of the calibration', () => assertCalibrationReached(parity.score));
