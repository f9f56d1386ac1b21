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

test("with a company's self-calibration divisor, the values explain calibrate(raw / divisor): its score, its baseline, still adding up", async () => {
  const rows = parity.shapley.slice(0, 4).map((s) => parity.inputs[s.row]!);
  const plain = await model.explain(rows);
  // Divisor 1 is the card's calibration exactly.
  assert.deepEqual(await model.explain(rows, [1, 1, 1, 1]), plain);
  const divisors = [1, 3, 20, 1];
  const scaled = await model.explain(rows, divisors);
  const raw = await model.raw(rows);
  const backgroundRaw = await model.raw(model.card.background.rows);
  scaled.forEach((e, i) => {
    const d = divisors[i]!;
    assert.equal(e.score, model.calibrate(raw[i]!, d));
    const baseline = Array.from(backgroundRaw, (r) => model.calibrate(r, d)).reduce((s, v) => s + v, 0) / backgroundRaw.length;
    assert.ok(Math.abs(e.baseline - baseline) <= 1e-9, `row ${i}: baseline ${e.baseline} vs ${baseline}`);
    const sum = e.values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - (e.score - e.baseline)) <= 1e-9, `efficiency: ${sum} vs ${e.score - e.baseline}`);
    if (d === 1) assert.deepEqual(e, plain[i]);
    // Lower, or both at 100 for an error past the ceiling even divided.
    else assert.ok(e.score <= plain[i]!.score && e.baseline < plain[i]!.baseline, `row ${i}: a divisor ${d} lowers the baseline and does not raise the score`);
  });
  assert.ok(model.medianRaw > 0 && model.medianRaw === model.card.calibration.quantiles[model.card.calibration.probabilities.indexOf(0.5)]);
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
