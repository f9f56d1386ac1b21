import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from './format-table.ts';

test('aligns columns, shows NULL and JSON, cuts long cells', () => {
  const out = formatTable(['a', 'bb'], [{ a: 1, bb: null }, { a: 'long text here', bb: { x: 1 } }], 8);
  const lines = out.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^a\s+│ bb$/);
  assert.match(lines[2]!, /NULL/);
  assert.match(lines[3]!, /long te…/);
  assert.match(lines[3]!, /\{"x":1\}/);
});
