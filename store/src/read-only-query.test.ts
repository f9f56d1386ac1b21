import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReadOnlyQuery } from './read-only-query.ts';
import { QueryRejectedError } from './store-errors.ts';

test('read queries pass, trailing semicolon removed', () => {
  assert.equal(assertReadOnlyQuery(' SELECT 1; '), 'SELECT 1');
  assert.equal(assertReadOnlyQuery('-- note\nWITH x AS (SELECT 1) SELECT * FROM x'), 'WITH x AS (SELECT 1) SELECT * FROM x');
  assert.equal(assertReadOnlyQuery('show tables'), 'show tables');
});

test('writes, multiple statements and FORMAT are refused with a reason', () => {
  assert.throws(() => assertReadOnlyQuery('DROP TABLE scores'), (e: unknown) => e instanceof QueryRejectedError && /DROP/.test(e.message));
  assert.throws(() => assertReadOnlyQuery('SELECT 1; DROP TABLE x'), /one statement/);
  assert.throws(() => assertReadOnlyQuery('SELECT 1 FORMAT CSV'), /FORMAT/);
  assert.throws(() => assertReadOnlyQuery('   '), /empty/);
});
