import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionOf } from './partition.ts';

test('partitions are stable, in range and spread', () => {
  assert.equal(partitionOf('st-001', 4), partitionOf('st-001', 4));
  // Golden value: changing the hash would reshuffle every key of a running system.
  assert.equal(partitionOf('a', 2 ** 32), 0xe40c292c); // the published FNV-1a test vector
  assert.equal(partitionOf('st-001', 1024), 668);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 400; i++) counts[partitionOf(`st-${i}`, 4)]!++;
  assert.ok(counts.every((c) => c > 60), JSON.stringify(counts));
});
