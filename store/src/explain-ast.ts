import { QueryRejectedError } from './store-errors.ts';

/** One node of ClickHouse's `EXPLAIN AST` dump. */
export interface AstNode {
  /** The first word of the node's line: `SelectWithUnionQuery`, `Function`, `TableExpression`, `Set`… */
  kind: string;
  /** The rest of the line without the `(children N)` suffix: a function's name, a literal, an alias… */
  detail: string;
  children: AstNode[];
}

const LINE = /^( *)(\S+)(.*?)(?: \(children (\d+)\))?$/;

/**
 * Read the indented tree that `EXPLAIN AST` prints, one node per line, one space per level.
 *
 * ClickHouse prints identifiers and aliases raw, so a name holding a line break splits its node
 * over two lines. Such a dump is refused rather than guessed at: every line must sit exactly one
 * level below an earlier node, and every node's `(children N)` must match what follows it.
 */
export function parseExplainAst(lines: readonly string[]): AstNode {
  const rows = [...lines];
  while (rows.at(-1) === '') rows.pop();
  const stack: { node: AstNode; declared: number }[] = [];
  let root: AstNode | undefined;
  const all: { node: AstNode; declared: number }[] = [];
  rows.forEach((line, i) => {
    const m = LINE.exec(line);
    const depth = m?.[1]!.length ?? -1;
    if (!m || depth > stack.length || (depth === 0 && root)) throw unreadable(i + 1);
    const entry = { node: { kind: m[2]!, detail: m[3]!.trim(), children: [] }, declared: Number(m[4] ?? 0) };
    stack.length = depth;
    if (depth === 0) root = entry.node;
    else stack[depth - 1]!.node.children.push(entry.node);
    stack.push(entry);
    all.push(entry);
  });
  if (!root) throw new QueryRejectedError('ClickHouse returned no syntax tree for the query.');
  for (const e of all) if (e.node.children.length !== e.declared) throw unreadable();
  return root;
}

function unreadable(line?: number): QueryRejectedError {
  return new QueryRejectedError(
    `The query's syntax tree could not be read${line ? ` (line ${line})` : ''}: names or aliases that contain line breaks are not supported here.`,
  );
}
