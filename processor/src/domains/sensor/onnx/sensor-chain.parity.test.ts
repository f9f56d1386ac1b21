import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { loadSensorChain, type SensorChainScorer } from './sensor-chain-scorer.ts';

// The committed default model and the outputs Python's onnxruntime computed for it at training.
const MODEL_DIR = fileURLToPath(new URL('../../../../../models/sensor-chain/1', import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile {
  features: string[];
  tolerance: number;
  inputs: number[][];
  sources: string[];
  cluster: number[];
  raw: number[];
  score: number[];
}

let scorer: SensorChainScorer;
let parity: ParityFile;
before(async () => {
  scorer = await loadSensorChain(MODEL_DIR);
  parity = JSON.parse(await readFile(`${MODEL_DIR}/parity.json`, 'utf8')) as ParityFile;
});
after(() => scorer.release());

test('onnxruntime-node agrees with Python onnxruntime on the parity rows', async () => {
  assert.deepEqual(parity.features, scorer.card.features);
  assert.ok(parity.inputs.length >= 200, 'a few hundred parity rows');
  const got = await scorer.scoreBatch(parity.inputs);
  let maxRaw = 0;
  let maxScore = 0;
  got.forEach((g, i) => {
    assert.equal(g.cluster, parity.cluster[i], `row ${i} (${parity.sources[i]}): cluster`);
    maxRaw = Math.max(maxRaw, Math.abs(g.raw - parity.raw[i]!));
    maxScore = Math.max(maxScore, Math.abs(g.score - parity.score[i]!));
  });
  assert.ok(maxRaw <= TOLERANCE, `max |raw diff| ${maxRaw}`);
  assert.ok(maxScore <= TOLERANCE, `max |score diff| ${maxScore}`);
});

test('batching does not change a row\'s result', async () => {
  const rows = parity.inputs.slice(0, 40);
  const whole = await scorer.scoreBatch(rows);
  const single = [];
  for (const r of rows) single.push(...(await scorer.scoreBatch([r])));
  assert.deepEqual(single, whole);
});

test('the parity rows reach every part of the calibration', () => {
  assert.ok(parity.score.some((s) => s < 70));
  assert.ok(parity.score.some((s) => s >= 70 && s <= 95));
  assert.ok(parity.score.some((s) => s > 95), 'synthetic extremes beyond the training maximum');
  assert.equal(new Set(parity.cluster).size, scorer.card.onnx.scorers.length, 'every cluster');
});
