import type { AstNode } from './explain-ast.ts';
import { QueryRejectedError } from './store-errors.ts';

/**
 * Statements an analyst may run, by the root node ClickHouse's parser gives them, with the
 * number of leading children that are the statement itself. Children after those are output
 * options (INTO OUTFILE, FORMAT, SETTINGS), which ClickHouse appends to the root.
 */
const READING: Record<string, ((root: AstNode) => number) | 'names'> = {
  SelectWithUnionQuery: () => 1,
  DescribeQuery: () => 1,
  // EXPLAIN's own options (`EXPLAIN header = 1 …`) come first as a Set, then the explained query.
  Explain: (root) => (root.children[0]?.kind === 'Set' ? 2 : 1),
  // Their children are the database and table names; INTO OUTFILE shows as a Literal among them,
  // and a FORMAT clause fails when the query runs (the client appends its own, and ClickHouse
  // allows one).
  ShowTables: 'names',
  ShowColumns: 'names',
  ShowCreateTableQuery: 'names',
  ExistsTableQuery: 'names',
};

/** What EXPLAIN may show: all of these only plan or parse, never run the explained SELECT. */
const EXPLAIN_KINDS = new Set(['EXPLAIN', 'EXPLAIN AST', 'EXPLAIN SYNTAX', 'EXPLAIN QUERY TREE', 'EXPLAIN PLAN', 'EXPLAIN PIPELINE', 'EXPLAIN ESTIMATE']);

/**
 * Ordinary functions that reach outside the database. Table functions need no list: all of
 * them are refused by position (see below).
 */
const OUTSIDE_FUNCTIONS = new Set(['file', 'catboostevaluate']);

const ALLOWED = 'SELECT (or WITH … SELECT), SHOW TABLES / COLUMNS / CREATE TABLE, DESCRIBE, EXISTS, and EXPLAIN of a SELECT';

/**
 * Refuse anything in an analyst's statement that reads or writes outside Vigía's tables or
 * changes how the query runs, from the tree ClickHouse's own parser built (`EXPLAIN AST`):
 * - one reading statement (see READING);
 * - no INTO OUTFILE, FORMAT or SETTINGS clause, at any depth;
 * - no table function (`file()`, `url()`, `s3()`, `remote()`, `numbers()`…) wherever a table
 *   goes: in FROM, JOIN, DESCRIBE, or a subquery;
 * - no ordinary function that reads files (OUTSIDE_FUNCTIONS).
 */
export function assertAnalystStatement(root: AstNode): void {
  const body = READING[root.kind];
  if (!body) throw new QueryRejectedError(`Only reading statements are allowed here (${ALLOWED}); ClickHouse parsed this one as ${root.kind}.`);
  let explainOptions: AstNode | undefined;
  if (root.kind === 'Explain') {
    if (!EXPLAIN_KINDS.has(root.detail)) throw new QueryRejectedError(`${root.detail} is not allowed here; EXPLAIN, EXPLAIN AST, SYNTAX, QUERY TREE, PLAN, PIPELINE and ESTIMATE are.`);
    if (root.children[0]?.kind === 'Set') explainOptions = root.children[0];
    const explained = root.children[explainOptions ? 1 : 0];
    if (explained?.kind !== 'SelectWithUnionQuery') throw new QueryRejectedError(`EXPLAIN is allowed for a SELECT only; this one explains ${explained?.kind ?? 'nothing'}.`);
  }
  const [option] = body === 'names' ? root.children.filter((c) => c.kind === 'Literal') : root.children.slice(body(root));
  if (option) throw outputOptionRefused(option);
  // The row cap (the `limit` setting) applies to each branch of a top-level UNION, INTERSECT or
  // EXCEPT, which changes what EXCEPT, INTERSECT and UNION DISTINCT answer (the parser's tree
  // does not tell UNION ALL from UNION DISTINCT); inside a subquery it does not apply.
  const branches = root.kind === 'SelectWithUnionQuery' ? (root.children[0]?.children ?? []) : [];
  if (root.kind === 'SelectWithUnionQuery' && (branches.length !== 1 || branches[0]!.kind !== 'SelectQuery')) {
    throw new QueryRejectedError('Put UNION, INTERSECT or EXCEPT inside a subquery: SELECT * FROM (…). At the top level the row cap (sql.maxResultRows) would cut each part before they are combined.');
  }
  walk(root, undefined, (node, parent) => {
    if (node.kind === 'Set' && node !== explainOptions) {
      throw new QueryRejectedError('SETTINGS inside the query are not allowed: analyst queries run read-only (readonly = 1) with fixed limits (the `sql` config section).');
    }
    if (node.kind !== 'Function') return;
    const name = node.detail.split(' ')[0] ?? '';
    if (parent?.kind === 'TableExpression') {
      throw new QueryRejectedError(
        `Table functions are not allowed (found ${name}()): they read files, URLs or other servers. Query Vigía's tables (SHOW TABLES lists them); system.numbers stands in for numbers().`,
      );
    }
    if (OUTSIDE_FUNCTIONS.has(name.toLowerCase())) throw new QueryRejectedError(`${name}() reads files outside the database and is not allowed here.`);
  });
}

function outputOptionRefused(option: AstNode): QueryRejectedError {
  if (option.kind === 'Literal') return new QueryRejectedError('INTO OUTFILE is not allowed: the API returns the rows, it never writes files.');
  if (option.kind === 'Identifier') return new QueryRejectedError(`Leave out FORMAT ${option.detail}: the API chooses the format.`);
  if (option.kind === 'Set') return new QueryRejectedError('SETTINGS inside the query are not allowed: analyst queries run read-only (readonly = 1) with fixed limits (the `sql` config section).');
  return new QueryRejectedError(`Unexpected clause at the end of the query (${option.kind}); send a plain reading statement.`);
}

function walk(node: AstNode, parent: AstNode | undefined, visit: (node: AstNode, parent: AstNode | undefined) => void): void {
  visit(node, parent);
  for (const child of node.children) walk(child, node, visit);
}
