import assert from 'node:assert/strict';
import { cp, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { ResidualCalibration } from '../../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../../producers/src/trip/index.ts';
import { tripFareFeatures } from '../trip-fare-features.ts';
import { ModelInputError, type ModelLoadReason } from '../../../adapters/onnx/model-errors.ts';
import { modelVariants, type ModelVariants } from '../../../adapters/onnx/model-variants.ts';
import { fareResidual, fareResidualScore, loadTripFareModel, type TripFareModel } from './trip-fare-model.ts';

const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-fare/1', import.meta.url));
const SENSOR_DIR = fileURLToPath(new URL('../../../../../models/sensor-chain/1', import.meta.url));

const residual: ResidualCalibration = {
  method: 'relative-residual-percentile',
  definition: 'test',
  floor: 5,
  threshold: 70,
  probabilities: [0, 0.5, 0.99, 0.999, 1],
  quantiles: [-0.2, 0, 0.1, 0.3, 1],
  anchors: { percentiles: [0, 0.99, 0.999, 1], scores: [0, 70, 85, 95] },
  rawCeiling: 3,
  rows: 1000,
};

test('relative residual: the floor bounds the denominator', () => {
  assert.equal(fareResidual(30, 20, residual), 0.5);
  assert.equal(fareResidual(6, 4, residual), 2 / 5);
  assert.equal(fareResidual(10, 20, residual), -0.5);
});

test('residual score: percentile of r through the anchors, then on to 100 at the ceiling', () => {
  assert.equal(fareResidualScore(20, 20, residual), (70 * 0.5) / 0.99);
  assert.equal(fareResidualScore(22, 20, residual), 70); // r = 0.1, the 99th percentile
  assert.ok(Math.abs(fareResidualScore(26, 20, residual) - 85) < 1e-9);
  assert.equal(fareResidualScore(40, 20, residual), 95); // r = 1, the training maximum
  assert.equal(fareResidualScore(60, 20, residual), 97.5);
  assert.equal(fareResidualScore(80, 20, residual), 100);
  assert.equal(fareResidualScore(500, 20, residual), 100);
  assert.equal(fareResidualScore(5, 20, residual), 0); // an undercharge is not a fare anomaly
});

test('residual score rises with the actual fare', () => {
  let prev = -1;
  for (let actual = 0; actual <= 100; actual += 0.05) {
    const s = fareResidualScore(actual, 20, residual);
    assert.ok(s >= prev && s >= 0 && s <= 100, `${actual}: ${s} after ${prev}`);
    prev = s;
  }
});

let models: ModelVariants;
let model: TripFareModel;
before(async () => {
  models = await modelVariants(MODEL_DIR, 'vigia-trip-fare-');
  model = await loadTripFareModel(MODEL_DIR);
});
after(async () => {
  await model.release();
  await models.cleanup();
});

/** A copy of the model with one change applied; the card edited in place; loading it refused. */
const variant: ModelVariants['variant'] = (name, change, from) => models.variant(name, change, from);
const editCard: ModelVariants['editCard'] = (dir, edit) => models.editCard(dir, edit);
const rejects = (dir: string, reason: ModelLoadReason, message: RegExp, verifyHashes = true) => models.rejects(loadTripFareModel(dir, { verifyHashes }), reason, message);

test('the default model loads with its card', () => {
  assert.equal(model.modelId, 'trip-fare@1');
  assert.equal(model.card.kind, 'regressor');
  assert.equal(model.card.featureSet, 'trip-fare@1');
  assert.equal(model.card.target.name, 'fare_amount');
});

test('a folder without a card, a card that is not JSON or not a regressor card', async () => {
  await rejects(models.nowhere, 'card-missing', /card\.json.*model folder/);
  await rejects(await variant('not-json', (d) => writeFile(join(d, 'card.json'), '[')), 'card-invalid', /card\.json.*not JSON/);
  await rejects(SENSOR_DIR, 'card-invalid', /RegressorModelCard schema[\s\S]*kind/);
  await rejects(await variant('no-residual', (d) => editCard(d, (c) => delete c.residual)), 'card-invalid', /residual/);
  const unsorted = await variant('unsorted', (d) => editCard(d, (c) => c.residual.quantiles.reverse()));
  await rejects(unsorted, 'card-invalid', /quantiles must not decrease/);
  await rejects(await variant('other-name', (d) => editCard(d, (c) => (c.name = 'trip-tip'))), 'card-invalid', /not trip\/trip-fare/);
});

test('a card trained on another feature set', async () => {
  await rejects(await variant('set', (d) => editCard(d, (c) => (c.featureSet = 'trip-fare@2'))), 'features-mismatch', /trip-fare@2.*retrain/);
  const renamed = await variant('renamed', (d) =>
    editCard(d, (c) => {
      c.features[17] = 'passengers';
      c.reference.features.passengers = c.reference.features.passenger_count;
      delete c.reference.features.passenger_count;
    }),
  );
  await rejects(renamed, 'features-mismatch', /passengers/);
});

test('a missing, mismatched or unloadable ONNX file', async () => {
  await rejects(await variant('missing', (d) => unlink(join(d, 'regressor.onnx'))), 'file-missing', /regressor\.onnx/);
  await rejects(await variant('corrupt', (d) => cp(join(SENSOR_DIR, 'chain.onnx'), join(d, 'regressor.onnx'))), 'file-corrupt', /regressor\.onnx.*sha256/);
  await rejects(await variant('garbage', (d) => writeFile(join(d, 'regressor.onnx'), 'not a model')), 'session-failed', /regressor\.onnx/, false);
  const output = await variant('output', (d) => editCard(d, (c) => (c.onnx.regressor.output = 'fare')));
  await rejects(output, 'card-invalid', /outputs \[expected\].*X → fare/);
});

test('bad vectors are refused with the row and the feature', async () => {
  const ok = new Float64Array(18).fill(1);
  await assert.rejects(model.predict([ok, new Float64Array(6)]), (e: unknown) => e instanceof ModelInputError && e.row === 1 && /18/.test(e.message));
  const nan = Float64Array.from(ok);
  nan[1] = Number.NaN;
  await assert.rejects(model.predict([nan]), /duration_min is NaN/);
  assert.equal((await model.predict([])).length, 0);
});

test('simulated trips: the expected fare follows the meter, overcharges score high', async () => {
  const start = Date.UTC(2026, 0, 12, 12); // Monday 07:00 New York (another seed and week than the training export's)
  const sim = createTripSimulation({ startTs: start, seed: 9, anomalyRate: 0.05 });
  const trips = sim.nextBatch(start + 5 * 3_600_000);
  assert.ok(trips.length > 500, String(trips.length));
  const expected = await model.predict(trips.map((t) => tripFareFeatures(t)));
  const normal = trips.map((t, i) => ({ t, i })).filter(({ t }) => t.truth === null);
  const mae = normal.reduce((s, { t, i }) => s + Math.abs(t.fare_amount - expected[i]!), 0) / normal.length;
  assert.ok(mae < 1, `normal trips: MAE ${mae.toFixed(3)} USD`);
  const flagged = normal.filter(({ t, i }) => model.score(t.fare_amount, expected[i]!) >= 70).length / normal.length;
  assert.ok(flagged < 0.05, `normal trips flagged: ${flagged}`);
  const overcharges = trips.map((t, i) => ({ t, i })).filter(({ t }) => t.truth?.kind === 'overcharge');
  assert.ok(overcharges.length >= 3, String(overcharges.length));
  for (const { t, i } of overcharges) assert.ok(model.score(t.fare_amount, expected[i]!) >= 70, `${t.id}: ${t.fare_amount} vs ${expected[i]}`);
});
