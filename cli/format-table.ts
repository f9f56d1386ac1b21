/** Rows as an aligned text table, like clickhouse-client's pretty format but plain ASCII. */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[], maxWidth = 60): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.length > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s;
  };
  const body = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line([...columns]), rule, ...body.map(line)].join('\n');
}
