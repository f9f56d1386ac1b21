import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryLimitError, QueryRejectedError, SqlBusyError } from '../../../../store/src/index.ts';
import { sqlErrorResponse } from './sql-error-response.ts';

test('a refused or failed analyst query is a 4xx with the reason', () => {
  assert.equal(sqlErrorResponse(new QueryRejectedError('no'))?.status, 400);
  assert.equal(sqlErrorResponse(new QueryLimitError('time', 'slow'))?.status, 408);
  assert.deepEqual(sqlErrorResponse(new QueryLimitError('memory', 'big'))?.body, { error: 'big', limit: 'memory' });
  assert.equal(sqlErrorResponse(new QueryLimitError('result', 'wide'))?.status, 413);
  assert.deepEqual(sqlErrorResponse(new SqlBusyError(2)), { status: 429, body: { error: new SqlBusyError(2).message }, retryAfter: 1 });
  const clickhouse = Object.assign(new Error('Unknown table'), { code: '60', type: 'UNKNOWN_TABLE' });
  assert.deepEqual(sqlErrorResponse(clickhouse), { status: 400, body: { error: 'Unknown table', code: '60', type: 'UNKNOWN_TABLE' } });
});

test('anything else stays the server’s error (500), a Node error code included', () => {
  assert.equal(sqlErrorResponse(Object.assign(new Error('socket'), { code: 'ECONNRESET' })), undefined);
  assert.equal(sqlErrorResponse(new Error('ChdbConnection is closed')), undefined);
});
