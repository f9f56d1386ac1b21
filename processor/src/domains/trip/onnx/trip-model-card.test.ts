import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { AnyModelCard, ModelCard, RegressorModelCard } from '../../../../../contracts/index.ts';

// The card schema's additions (contracts/model-card.ts): `kind`, the regressor card, AnyModelCard.
const card = async (model: string): Promise<Record<string, any>> =>
  JSON.parse(await readFile(fileURLToPath(new URL(`../../../../../models/${model}/card.json`, import.meta.url)), 'utf8'));

test('a card without kind is a chain (cards written before the field)', async () => {
  const sensor = await card('sensor-chain/1');
  assert.equal(sensor.kind, undefined);
  assert.equal(ModelCard.parse(sensor).kind, 'chain');
  assert.equal(AnyModelCard.parse(sensor).kind, 'chain');
  assert.equal(RegressorModelCard.safeParse(sensor).success, false);
});

test('the trip cards: demand is a chain without router, fare a regressor', async () => {
  const demand = AnyModelCard.parse(await card('trip-demand/1'));
  assert.equal(demand.kind, 'chain');
  const fare = AnyModelCard.parse(await card('trip-fare/1'));
  assert.equal(fare.kind, 'regressor');
  if (fare.kind !== 'regressor') return;
  assert.equal(fare.onnx.regressor.outputType, 'float64');
  assert.equal(fare.residual.quantiles.length, fare.residual.probabilities.length);
  assert.equal(ModelCard.safeParse(await card('trip-fare/1')).success, false);
});

test('the regressor card checks its own consistency', async () => {
  const issues = (edit: (c: Record<string, any>) => void) =>
    card('trip-fare/1').then((c) => {
      edit(c);
      const r = RegressorModelCard.safeParse(c);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    });
  assert.deepEqual(await issues(() => {}), []);
  assert.match((await issues((c) => c.residual.quantiles.reverse())).join(), /residual\.quantiles: quantiles must not decrease/);
  assert.match((await issues((c) => c.residual.quantiles.pop())).join(), /one quantile per probability/);
  assert.match((await issues((c) => (c.onnx.regressor.file = 'other.onnx'))).join(), /'other\.onnx' is not listed/);
  assert.match((await issues((c) => (c.onnx.regressor.outputType = 'int64'))).join(), /float32 or float64/);
  assert.match((await issues((c) => delete c.reference.features.weekend)).join(), /one reference distribution per input feature/);
  assert.match((await issues((c) => (c.residual.floor = 0))).join(), /residual\.floor/);
  assert.match((await issues((c) => (c.kind = 'chain'))).join(), /kind/);
});
