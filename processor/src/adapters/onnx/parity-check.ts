import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

/**
 * What every model's parity test shares: the `parity.json` Python wrote at training beside the
 * committed model, and the checks that onnxruntime-node gives its numbers back. Test support;
 * the models' own parity tests say which outputs they compare.
 */
export interface ParityRows {
  features: string[];
  inputs: number[][];
  sources: string[];
  score: number[];
}

export async function readParityFile<T extends ParityRows>(modelDir: string): Promise<T> {
  const parity = JSON.parse(await readFile(`${modelDir}/parity.json`, 'utf8')) as T;
  assert.ok(parity.inputs.length >= 200, 'a few hundred parity rows');
  return parity;
}

/** Largest |got − want| over the rows; `relative` divides by max(1, |want|) for unbounded outputs. */
export function maxDiff(got: ArrayLike<number>, want: readonly number[], relative = false): number {
  assert.equal(got.length, want.length, 'one output per parity row');
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!) / (relative ? Math.max(1, Math.abs(want[i]!)) : 1));
  return max;
}

export function assertWithin(label: string, diff: number, tolerance: number): void {
  assert.ok(diff <= tolerance, `max |${label} diff| ${diff} > ${tolerance}`);
}

/** A row scored alone gives what it gives within a batch: batching must not change a result. */
export async function assertBatchingInvariant<R>(rows: readonly number[][], score: (rows: number[][]) => Promise<ArrayLike<R>>): Promise<void> {
  const whole = Array.from(await score(rows.slice()));
  const single: R[] = [];
  for (const r of rows) single.push(...Array.from(await score([r])));
  assert.deepEqual(single, whole);
}

/**
 * The rows reach every part of the 0–100 calibration: below the minor band, the training's own
 * anomalies, and synthetic extremes beyond the training maximum.
 */
export function assertCalibrationReached(score: readonly number[], top = 95): void {
  assert.ok(score.some((s) => s < 70), 'rows below the minor band');
  assert.ok(score.some((s) => s >= 70 && s < top), 'rows in the anomalous bands');
  assert.ok(score.some((s) => s >= top), 'synthetic extremes at the training maximum or beyond');
}
