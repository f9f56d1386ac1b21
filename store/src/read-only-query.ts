import { QueryRejectedError } from './store-errors.ts';

const READ_ONLY = /^(select|with|show|describe|desc|explain|exists)\b/i;

/**
 * A plausibility check for SQL that Vigía builds itself (the feature export): one statement,
 * starting with a reading keyword. It is not a safety boundary: analyst SQL goes through
 * `openAnalystSql`, which checks ClickHouse's parsed tree and runs with `readonly = 1`.
 */
export function assertReadOnlyQuery(sql: string): string {
  const trimmed = sql.trim().replace(/;+\s*$/, '');
  if (!trimmed) throw new QueryRejectedError('The query is empty.');
  if (trimmed.includes(';')) throw new QueryRejectedError('Send one statement at a time (found a ";" inside the query).');
  const stripped = trimmed.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '').trim();
  if (!READ_ONLY.test(stripped)) {
    const word = stripped.split(/\s+/)[0] ?? '';
    throw new QueryRejectedError(`Only read queries are allowed here (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS); got '${word.toUpperCase()}'.`);
  }
  if (/\bformat\s+\w+\s*$/i.test(stripped)) throw new QueryRejectedError('Leave out FORMAT: the API chooses the format (use format=json|table).');
  return stripped;
}
