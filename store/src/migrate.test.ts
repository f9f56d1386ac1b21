import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listMigrations, splitStatements } from './migrate.ts';

test('splitStatements drops comments and splits at line-ending semicolons', () => {
  const s = splitStatements('-- head\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\n-- c\nCREATE TABLE b (y String) -- tail\nENGINE = Memory;\n');
  assert.equal(s.length, 2);
  assert.match(s[0]!, /^CREATE TABLE a/);
  assert.doesNotMatch(s[1]!, /tail/);
});

test('migrations are numbered, ordered and non-empty', () => {
  const ms = listMigrations();
  assert.ok(ms.length >= 1);
  ms.forEach((m, i) => {
    assert.ok(m.statements.length > 0, m.name);
    if (i > 0) assert.ok(m.version > ms[i - 1]!.version);
  });
});
