import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { TRIP_CELL_FEATURES } from '../trip-cell-features.ts';
import { loadTripDemandModel, type TripDemandModel } from './trip-demand-model.ts';

// The committed default model and what Python's onnxruntime + vigia_models.calibration answered at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-demand/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile {
  features: string[];
  inputFeatures: string[];
  tolerance: number;
  /** Full trip-cell@1 vectors. */
  inputs: number[][];
  sources: string[];
  raw: number[];
  score: number[];
}

let model: TripDemandModel;
let parity: ParityFile;
before(async () => {
  model = await loadTripDemandModel(MODEL_DIR);
  parity = JSON.parse(await readFile(`${MODEL_DIR}/parity.json`, 'utf8')) as ParityFile;
});
after(() => model.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, model.card.features);
  assert.deepEqual(parity.inputFeatures, [...TRIP_CELL_FEATURES]);
  assert.ok(parity.inputs.length >= 200, 'a few hundred parity rows');
  const got = await model.score(parity.inputs.map((r) => Float64Array.from(r)));
  let maxRaw = 0;
  let maxScore = 0;
  got.forEach((g, i) => {
    maxRaw = Math.max(maxRaw, Math.abs(g.raw - parity.raw[i]!));
    maxScore = Math.max(maxScore, Math.abs(g.score - parity.score[i]!));
  });
  assert.ok(maxRaw <= TOLERANCE, `max |raw diff| ${maxRaw}`);
  assert.ok(maxScore <= TOLERANCE, `max |score diff| ${maxScore}`);
});

test('batching does not change a row\'s result', async () => {
  const rows = parity.inputs.slice(0, 40);
  const whole = await model.score(rows);
  const single = [];
  for (const r of rows) single.push(...(await model.score([r])));
  assert.deepEqual(single, whole);
});

test('the parity rows reach the calibration from bottom to top', () => {
  assert.ok(parity.score.some((s) => s < 70));
  assert.ok(parity.score.some((s) => s >= 70 && s < 95));
  assert.ok(parity.score.some((s) => s >= 95), 'synthetic extremes at the training maximum or beyond');
});
