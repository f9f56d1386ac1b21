import assert from 'node:assert/strict';
import { cp, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { TRIP_CELL_FEATURES } from '../trip-cell-features.ts';
import { ModelInputError, type ModelLoadReason } from '../../../adapters/onnx/model-errors.ts';
import { modelVariants, type ModelVariants } from '../../../adapters/onnx/model-variants.ts';
import { loadTripDemandModel, type TripDemandModel } from './trip-demand-model.ts';

const MODEL_DIR = fileURLToPath(new URL('../../../../../models/trip-demand/1', import.meta.url));
const FARE_DIR = fileURLToPath(new URL('../../../../../models/trip-fare/1', import.meta.url));
const SENSOR_DIR = fileURLToPath(new URL('../../../../../models/sensor-chain/1', import.meta.url));
const at = (name: string) => TRIP_CELL_FEATURES.indexOf(name as (typeof TRIP_CELL_FEATURES)[number]);

let models: ModelVariants;
let model: TripDemandModel;
before(async () => {
  models = await modelVariants(MODEL_DIR, 'vigia-trip-demand-');
  model = await loadTripDemandModel(MODEL_DIR);
});
after(async () => {
  await model.release();
  await models.cleanup();
});

/** A copy of the model with one change applied; the card edited in place; loading it refused. */
const variant: ModelVariants['variant'] = (name, change, from) => models.variant(name, change, from);
const editCard: ModelVariants['editCard'] = (dir, edit) => models.editCard(dir, edit);
const rejects = (dir: string, reason: ModelLoadReason, message: RegExp) => models.rejects(loadTripDemandModel(dir), reason, message);

/** A full trip-cell@1 vector of a cell doing what its baseline expects. */
function ordinary(): Float64Array {
  const v = new Float64Array(TRIP_CELL_FEATURES.length);
  const set = (name: string, x: number) => (v[at(name)] = x);
  set('pickups_15m', 2);
  set('pickups_60m', 8);
  set('dropoffs_15m', 2);
  set('dropoffs_60m', 8);
  set('fare_per_mile_60m', 5.2);
  set('speed_mph_60m', 11);
  for (const r of ['pickups_15m_ratio', 'pickups_60m_ratio', 'dropoffs_60m_ratio', 'ring_pickups_60m_ratio']) set(r, 1);
  set('baseline_weeks', 1.5);
  set('ring_pickups_15m', 14);
  set('ring_pickups_60m', 56);
  set('ring_dropoffs_60m', 56);
  set('ring_fare_per_mile_60m', 5.2);
  set('ring_speed_mph_60m', 11);
  set('cell_share_60m', 8 / 56);
  set('hour_cos', 1);
  return v;
}

test('the default model loads: a chain card without router, one forest, a subset of trip-cell@1', () => {
  assert.equal(model.modelId, 'trip-demand@1');
  assert.equal(model.card.kind, 'chain');
  assert.equal(model.card.onnx.router, null);
  assert.equal(model.card.onnx.scorers.length, 1);
  assert.deepEqual(
    model.columns.map((c) => TRIP_CELL_FEATURES[c]),
    model.card.features,
  );
  assert.ok(model.card.features.length < TRIP_CELL_FEATURES.length);
});

test('cards of other models, or of features this processor does not compute', async () => {
  await rejects(models.nowhere, 'card-missing', /card\.json/);
  await rejects(FARE_DIR, 'card-invalid', /ModelCard schema/);
  await rejects(SENSOR_DIR, 'card-invalid', /sensor\/sensor-chain, not trip\/trip-demand/);
  await rejects(await variant('set', (d) => editCard(d, (c) => (c.featureSet = 'trip-cell@2'))), 'features-mismatch', /trip-cell@2/);
  const unknown = await variant('unknown', (d) =>
    editCard(d, (c) => {
      c.features[0] = 'pickups_5m_ratio';
      c.reference.features.pickups_5m_ratio = c.reference.features.pickups_15m_ratio;
      delete c.reference.features.pickups_15m_ratio;
    }),
  );
  await rejects(unknown, 'features-mismatch', /has no pickups_5m_ratio.*retrain/);
  const routed = await variant('routed', (d) =>
    editCard(d, (c) => {
      c.onnx.router = { file: 'iforest-0.onnx', input: 'X', inputType: 'float64', output: 'raw', outputType: 'int64' };
    }),
  );
  await rejects(routed, 'card-invalid', /no router and one scorer/);
});

test('a missing or mismatched forest', async () => {
  await rejects(await variant('missing', (d) => unlink(join(d, 'iforest-0.onnx'))), 'file-missing', /iforest-0\.onnx/);
  await rejects(await variant('swapped', (d) => cp(join(SENSOR_DIR, 'iforest-0.onnx'), join(d, 'iforest-0.onnx'))), 'file-corrupt', /sha256/);
});

test('rows are full trip-cell@1 vectors; the model checks the values it reads', async () => {
  const narrow = new Float64Array(model.card.features.length);
  await assert.rejects(model.score([ordinary(), narrow]), (e: unknown) => e instanceof ModelInputError && e.row === 1 && /23/.test(e.message));
  const bad = ordinary();
  bad[at(model.card.features[0]!)] = Number.POSITIVE_INFINITY;
  await assert.rejects(model.score([bad]), new RegExp(`${model.card.features[0]} is Infinity`));
  const unread = ordinary();
  unread[at('fare_per_mile_60m')] = Number.NaN; // not a model input
  assert.equal((await model.score([unread])).length, 1);
  assert.deepEqual(await model.score([]), []);
});

test('a surge or a collapse in a busy cell scores above what the baseline expects', async () => {
  const surge = ordinary();
  surge[at('pickups_15m_ratio')] = 6;
  surge[at('pickups_15m_z')] = 8;
  surge[at('pickups_60m_ratio')] = 4;
  surge[at('pickups_60m_z')] = 9;
  surge[at('ring_pickups_60m_ratio')] = 2.5;
  surge[at('cell_share_60m')] = 0.7;
  const collapse = ordinary();
  collapse[at('pickups_15m_ratio')] = 1 / 6;
  collapse[at('pickups_15m_z')] = -2.5;
  collapse[at('pickups_60m_ratio')] = 1 / 15;
  collapse[at('pickups_60m_z')] = -3.7;
  collapse[at('ring_pickups_60m_ratio')] = 0.35;
  collapse[at('cell_share_60m')] = 0;
  const [o, s, c] = await model.score([ordinary(), surge, collapse]);
  assert.ok(o!.score < 70, `ordinary ${o!.score}`);
  assert.ok(s!.score >= 85 && s!.raw > o!.raw, `surge ${s!.score}`);
  assert.ok(c!.score >= 70 && c!.raw > o!.raw, `collapse ${c!.score}`);
});
