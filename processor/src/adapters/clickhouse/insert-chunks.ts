/**
 * A large INSERT cut into statements of at most `maxRows` rows, so that another lane's
 * statement can run between them (fair-statement-queue.ts). The caller's write still succeeds
 * only once every chunk committed; a chunk written again after a failure doubles nothing,
 * because every table a batch writes is a ReplacingMergeTree keyed by run and event (or
 * window), and the trip pickup aggregates count uniqExact(event_id).
 */
export function chunkRows<T>(rows: readonly T[], maxRows: number): (readonly T[])[] {
  if (rows.length <= maxRows) return [rows];
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += maxRows) chunks.push(rows.slice(i, i + maxRows));
  return chunks;
}

/** JSONEachRow text (one row per line, each ending in \n) cut after every `maxRows` lines. */
export function chunkJsonLines(text: string, maxRows: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  let lines = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) {
    if (++lines < maxRows) continue;
    chunks.push(text.slice(start, nl + 1));
    start = nl + 1;
    lines = 0;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}
