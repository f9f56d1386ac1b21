import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { TradeModelConfig } from '../../../../../config/schema.ts';
import { assertCalibrationReached, assertWithin, maxDiff, readParityFile, type ParityRows } from '../../../adapters/onnx/parity-check.ts';
import { loadTradeAeModel, TradeFeatureSetMismatchError, type TradeAeModel } from './trade-ae-model.ts';

// The config's default model and what Python's onnxruntime + calibration + shapley.py answered at training.
const MODEL_DIR = fileURLToPath(new URL(`../../../../../${TradeModelConfig.parse({}).modelDir}`, import.meta.url));
const TOLERANCE = 1e-5;

interface ParityFile extends ParityRows {
  groups: string[];
  raw: number[];
  baseline: number;
  shapley: { row: number; values: number[] }[];
}

let model: TradeAeModel;
let parity: ParityFile;
before(async () => {
  model = await loadTradeAeModel(MODEL_DIR);
  parity = await readParityFile<ParityFile>(MODEL_DIR);
});
after(() => model.release());

test('onnxruntime-node agrees with Python on raw error and calibrated score', async () => {
  assert.deepEqual(parity.features, model.card.features);
  const { raw, score } = await model.score(parity.inputs);
  assertWithin('relative raw error', maxDiff(raw, parity.raw, true), TOLERANCE);
  assertWithin('score', maxDiff(score, parity.score), TOLERANCE);
  assertCalibrationReached(parity.score);
});

test('Shapley values agree with Python, add up to score − baseline, and are one batch for many rows', async () => {
  const rows = parity.shapley.map((s) => parity.inputs[s.row]!);
  const explained = await model.explain(rows);
  assert.equal(model.layout.groups.join(), parity.groups.join());
  explained.forEach((e, i) => {
    const want = parity.shapley[i]!.values;
    e.values.forEach((v, g) => assert.ok(Math.abs(v - want[g]!) <= TOLERANCE, `row ${i} group ${parity.groups[g]}: ${v} vs ${want[g]}`));
    assert.ok(Math.abs(e.baseline - parity.baseline) <= TOLERANCE);
    assert.ok(Math.abs(e.score - parity.score[parity.shapley[i]!.row]!) <= TOLERANCE);
    const sum = e.values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - (e.score - e.baseline)) <= 1e-9, `efficiency: ${sum} vs ${e.score - e.baseline}`);
  });
  // One explanation alone gives the same numbers as within the batch.
  const alone = await model.explain([rows[0]!]);
  assert.deepEqual(alone[0], explained[0]);
});

test('a card trained on other features is refused with a named error naming the difference', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trade-ae-'));
  try {
    await cp(MODEL_DIR, dir, { recursive: true });
    const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8'));
    card.features = card.features.map((f: string) => (f === 'uv_z' ? 'uv_zscore' : f));
    card.groups.price = card.groups.price.map((f: string) => (f === 'uv_z' ? 'uv_zscore' : f));
    await writeFile(join(dir, 'card.json'), JSON.stringify(card));
    await assert.rejects(loadTradeAeModel(dir), (e: Error) => e instanceof TradeFeatureSetMismatchError && e.name === 'TradeFeatureSetMismatchError' && /lacks \[uv_z\]/.test(e.message) && /no longer computes \[uv_zscore\]/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
