import assert from 'node:assert/strict';
import { cp, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { ModelInputError, ModelLoadError, type ModelLoadReason } from '../../../adapters/onnx/model-errors.ts';
import { modelVariants, type ModelVariants } from '../../../adapters/onnx/model-variants.ts';
import { loadSensorChain, type SensorChainScorer } from './sensor-chain-scorer.ts';

const MODEL_DIR = fileURLToPath(new URL('../../../../../models/sensor-chain/1', import.meta.url));
let models: ModelVariants;
let scorer: SensorChainScorer;
before(async () => {
  models = await modelVariants(MODEL_DIR, 'vigia-model-');
  scorer = await loadSensorChain(MODEL_DIR);
});
after(async () => {
  await scorer.release();
  await models.cleanup();
});

/** A copy of the model with one change applied; the card edited in place; loading it refused. */
const variant: ModelVariants['variant'] = (name, change, from) => models.variant(name, change, from);
const editCard: ModelVariants['editCard'] = (dir, edit) => models.editCard(dir, edit);
const rejects = (dir: string, reason: ModelLoadReason, message: RegExp) => models.rejects(loadSensorChain(dir), reason, message);

test('the default model loads with its card', () => {
  assert.equal(scorer.modelId, 'sensor-chain@1');
  assert.equal(scorer.card.featureSet, 'sensor-chain@1');
  assert.equal(scorer.card.onnx.scorers.length, scorer.card.calibration.clusters.length);
});

test('a folder without a card', async () => {
  await rejects(models.nowhere, 'card-missing', /card\.json.*model folder/);
});

test('a card that is not JSON, or not a model card', async () => {
  await rejects(await variant('not-json', (d) => writeFile(join(d, 'card.json'), '{')), 'card-invalid', /not JSON/);
  await rejects(await variant('no-calibration', (d) => editCard(d, (c) => delete c.calibration)), 'card-invalid', /calibration/);
  const unsorted = await variant('unsorted', (d) =>
    editCard(d, (c) => {
      c.calibration.clusters[0].quantiles.reverse();
    }),
  );
  await rejects(unsorted, 'card-invalid', /quantiles must not decrease/);
  await rejects(await variant('other-model', (d) => editCard(d, (c) => (c.name = 'other'))), 'card-invalid', /not sensor\/sensor-chain/);
});

test('a card trained on another feature set', async () => {
  const renamed = await variant('features', (d) =>
    editCard(d, (c) => {
      c.features[5] = 'holiday';
      c.reference.features.holiday = c.reference.features.weekend;
      delete c.reference.features.weekend;
    }),
  );
  await rejects(renamed, 'features-mismatch', /holiday.*retrain/);
  await rejects(await variant('set', (d) => editCard(d, (c) => (c.featureSet = 'sensor-chain@2'))), 'features-mismatch', /sensor-chain@2/);
});

test('a missing or mismatched ONNX file', async () => {
  await rejects(await variant('missing', (d) => unlink(join(d, 'iforest-1.onnx'))), 'file-missing', /iforest-1\.onnx/);
  const swapped = await variant('swapped', (d) => cp(join(d, 'iforest-0.onnx'), join(d, 'iforest-1.onnx')));
  await rejects(swapped, 'file-corrupt', /iforest-1\.onnx.*sha256/);
});

test('an ONNX file onnxruntime cannot load', async () => {
  const dir = await variant('garbage', async (d) => {
    await writeFile(join(d, 'chain.onnx'), 'not a model');
  });
  await assert.rejects(loadSensorChain(dir, { verifyHashes: false }), (err: unknown) => err instanceof ModelLoadError && err.reason === 'session-failed');
});

test('bad vectors are refused with the row', async () => {
  const ok = [7, 6, 1100, 0, 1, 0];
  await assert.rejects(scorer.scoreBatch([ok, [1, 2, 3]]), (e: unknown) => e instanceof ModelInputError && e.row === 1 && /6/.test(e.message));
  await assert.rejects(scorer.scoreBatch([[7, Number.NaN, 1100, 0, 1, 0]]), /temperature is NaN/);
  assert.deepEqual(await scorer.scoreBatch([]), []);
});

test('far-off readings score high, typical ones low', async () => {
  const [typical, leak] = await scorer.scoreBatch([
    [7.0, 6.1, 1150, 0, 1, 0],
    [4.0, 6.1, 4000, 0, 1, 0],
  ]);
  assert.ok(typical!.score < 70, `typical ${typical!.score}`);
  assert.ok(leak!.score >= 95, `leak ${leak!.score}`);
  assert.ok(leak!.raw > typical!.raw);
});
