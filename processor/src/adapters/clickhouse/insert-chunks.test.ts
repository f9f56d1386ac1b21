import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkJsonLines, chunkRows } from './insert-chunks.ts';

test('rows are cut into chunks of at most maxRows, in order; a small insert stays whole', () => {
  const rows = Array.from({ length: 7 }, (_, i) => i);
  assert.deepEqual(chunkRows(rows, 3), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(chunkRows(rows, 7), [rows]);
  assert.equal(chunkRows(rows, 7)[0], rows, 'not copied when it fits');
});

test('JSONEachRow text is cut at line ends, every line kept once and whole', () => {
  const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ i, s: `a"b\\n${i}` }) + '\n');
  const text = lines.join('');
  const chunks = chunkJsonLines(text, 3);
  assert.deepEqual(chunks, [lines.slice(0, 3).join(''), lines.slice(3, 6).join(''), lines[6]]);
  assert.deepEqual(chunkJsonLines(lines.slice(0, 6).join(''), 3), [lines.slice(0, 3).join(''), lines.slice(3, 6).join('')], 'no empty chunk at the end');
  assert.deepEqual(chunkJsonLines(text, 100), [text]);
  assert.deepEqual(chunkJsonLines('{"a":1}', 1), ['{"a":1}'], 'a last line without its newline is kept');
  assert.deepEqual(chunkJsonLines('', 3), []);
});
