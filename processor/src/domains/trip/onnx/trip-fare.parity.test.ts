import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { loadTripFareModel, type TripFareModel } from './trip-fare-model.ts';

// The committed default model and what Python's onnxruntime + vigia_models.residual answered at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-fare/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile {
  features: string[];
  tolerance: number;
  inputs: number[][];
  sources: string[];
  actual: number[];
  expected: number[];
  residual: number[];
  score: number[];
}

let model: TripFareModel;
let parity: ParityFile;
before(async () => {
  model = await loadTripFareModel(MODEL_DIR);
  parity = JSON.parse(await readFile(`${MODEL_DIR}/parity.json`, 'utf8')) as ParityFile;
});
after(() => model.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, model.card.features);
  assert.ok(parity.inputs.length >= 200, 'a few hundred parity rows');
  const expected = await model.predict(parity.inputs.map((r) => Float64Array.from(r)));
  let maxExpected = 0;
  let maxScore = 0;
  expected.forEach((e, i) => {
    maxExpected = Math.max(maxExpected, Math.abs(e - parity.expected[i]!));
    maxScore = Math.max(maxScore, Math.abs(model.score(parity.actual[i]!, e) - parity.score[i]!));
  });
  assert.ok(maxExpected <= TOLERANCE, `max |expected diff| ${maxExpected} USD`);
  assert.ok(maxScore <= TOLERANCE, `max |score diff| ${maxScore}`);
});

test('the residual score of the Python outputs is the same number', () => {
  parity.expected.forEach((e, i) => {
    assert.equal(model.score(parity.actual[i]!, e), parity.score[i], `row ${i} (${parity.sources[i]})`);
  });
});

test('batching does not change a row\'s prediction', async () => {
  const rows = parity.inputs.slice(0, 40);
  const whole = await model.predict(rows);
  for (let i = 0; i < rows.length; i++) assert.equal((await model.predict([rows[i]!]))[0], whole[i]);
});

test('the parity rows reach every part of the calibration', () => {
  assert.ok(parity.score.some((s) => s < 70));
  assert.ok(parity.score.some((s) => s >= 70 && s <= 95), 'anomalies of the training data');
  assert.ok(parity.score.some((s) => s > 95), 'synthetic extremes beyond the training maximum');
});
