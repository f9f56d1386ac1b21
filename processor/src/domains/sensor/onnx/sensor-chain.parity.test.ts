import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { assertBatchingInvariant, assertCalibrationReached, assertWithin, maxDiff, readParityFile, type ParityRows } from '../../../adapters/onnx/parity-check.ts';
import { loadSensorChain, type SensorChainScorer } from './sensor-chain-scorer.ts';

// The committed default model and the outputs Python's onnxruntime computed for it at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/sensor-chain/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile extends ParityRows {
  cluster: number[];
  raw: number[];
}

let scorer: SensorChainScorer;
let parity: ParityFile;
before(async () => {
  scorer = await loadSensorChain(MODEL_DIR);
  parity = await readParityFile<ParityFile>(MODEL_DIR);
});
after(() => scorer.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, scorer.card.features);
  const got = await scorer.scoreBatch(parity.inputs);
  got.forEach((g, i) => assert.equal(g.cluster, parity.cluster[i], `row ${i} (${parity.sources[i]}): cluster`));
  assertWithin('raw', maxDiff(got.map((g) => g.raw), parity.raw), TOLERANCE);
  assertWithin('score', maxDiff(got.map((g) => g.score), parity.score), TOLERANCE);
});

test('batching does not change a row\'s result', () => assertBatchingInvariant(parity.inputs.slice(0, 40), (rows) => scorer.scoreBatch(rows)));

test('the parity rows reach every part of the calibration, and every cluster', () => {
  assertCalibrationReached(parity.score);
  assert.equal(new Set(parity.cluster).size, scorer.card.onnx.scorers.length, 'every cluster');
});
