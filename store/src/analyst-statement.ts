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
 * Table functions of chDB 3.4 (ClickHouse 26.7), from `system.table_functions`. openAnalystSql adds
 * whatever the engine it talks to lists, so a newer engine's table functions are covered too.
 */
export const TABLE_FUNCTIONS: ReadonlySet<string> = new Set(
  (
    'SQLStandardValues arrowstream azureBlobStorage azureBlobStorageCluster cluster clusterAllReplicas cosn deltaLake deltaLakeAzure ' +
    'deltaLakeAzureCluster deltaLakeCluster deltaLakeLocal deltaLakeS3 deltaLakeS3Cluster dictionary eval executable file fileCluster ' +
    'filesystem format fuzzJSON fuzzQuery gcs generateRandom generateSeries generate_series hdfs hdfsCluster hudi hudiCluster iceberg ' +
    'icebergAzure icebergAzureCluster icebergCluster icebergHDFS icebergHDFSCluster icebergLocal icebergLocalCluster icebergS3 ' +
    'icebergS3Cluster input jdbc loop merge mergeTreeAnalyzeIndexes mergeTreeAnalyzeIndexesUUID mergeTreeIndex mergeTreeProjection ' +
    'mergeTreeTextIndex mongodb mysql null numbers numbers_mt odbc oss paimon paimonAzure paimonAzureCluster paimonCluster paimonHDFS ' +
    'paimonHDFSCluster paimonLocal paimonS3 paimonS3Cluster postgresql primes prometheusQuery prometheusQueryRange redis remote ' +
    'remoteSecure s3 s3Cluster sqlite timeSeriesData timeSeriesMetrics timeSeriesSamples timeSeriesSelector timeSeriesTags url urlCluster ' +
    'values view viewExplain viewIfPermitted ytsaurus zeros zeros_mt'
  )
    .split(' ')
    .map((n) => n.toLowerCase()),
);

/**
 * Ordinary functions that share a table function's name and are allowed outside a table
 * position. Any other function named like a table function is refused wherever it appears, so a
 * table function the engine might resolve outside FROM (`x IN url(…)`, an argument, a lambda)
 * never runs, whatever the engine version.
 * - `format(pattern, args…)` formats strings. As a table function, `format(CSV, 'data')`, it only
 *   parses the text it is given; it reads no file and opens no connection either way.
 */
const SHARED_NAME_ALLOWED = new Set(['format']);

/**
 * Ordinary functions that read files, open connections or call other services, refused anywhere
 * (lower case; `prefix*` covers a family, their aliases included):
 * - file: reads a file of the machine;
 * - hasColumnInTable: older ClickHouse versions take a host, user and password and connect to it
 *   over the native protocol (26.7, in chDB 3.4, takes only database, table and column; a server
 *   behind `store.url` may be older);
 * - catboostEvaluate: loads a model file from a path argument through the library bridge;
 * - naiveBayesClassifier*: loads model files named in the server's configuration;
 * - dict* (dictGet…, dictHas, dictIsIn): a dictionary loads from its source, which may be a file,
 *   a URL or another server; Vigía defines none, and a read-only session cannot create one;
 * - addressToLine*, addressToSymbol: read the binary's debug information from disk;
 * - ai* (aiGenerate, aiEmbed…): call a language model provider over HTTP;
 * - showCertificate: reads the server's TLS certificate files;
 * - generateSerialID: keeps its counter in ZooKeeper/Keeper, another service.
 * Not refused, as they open nothing: filesystemAvailable/Capacity/Unreserved (free space of a
 * configured disk, named, never a path), getServerPort and tcpPort (configuration values),
 * joinGet (a local Join table), regionTo* (the geobase the server loaded at start).
 */
const OUTSIDE_FUNCTIONS = new Set(['file', 'hascolumnintable', 'catboostevaluate', 'showcertificate', 'generateserialid']);
const OUTSIDE_PREFIXES = ['naivebayesclassifier', 'dict', 'addressto', 'ai'];

function reachesOutside(lower: string): boolean {
  return OUTSIDE_FUNCTIONS.has(lower) || OUTSIDE_PREFIXES.some((p) => lower.startsWith(p));
}

const ALLOWED = 'SELECT (or WITH … SELECT), SHOW TABLES / COLUMNS / CREATE TABLE, DESCRIBE, EXISTS, and EXPLAIN of a SELECT';

/**
 * Refuse anything in an analyst's statement that reads or writes outside Vigía's tables or
 * changes how the query runs, from the tree ClickHouse's own parser built (`EXPLAIN AST`):
 * - one reading statement (see READING);
 * - no INTO OUTFILE, FORMAT or SETTINGS clause, at any depth;
 * - no table function (`file()`, `url()`, `s3()`, `remote()`, `numbers()`…) wherever a table
 *   goes: in FROM, JOIN, DESCRIBE, or a subquery;
 * - no function named like a table function anywhere else (SHARED_NAME_ALLOWED aside), and no
 *   ordinary function that reads files or opens connections (OUTSIDE_FUNCTIONS), at any depth:
 *   in WHERE, IN, an argument, a lambda.
 * `tableFunctions`: lower-case names; openAnalystSql passes the engine's own list added to these.
 */
export function assertAnalystStatement(root: AstNode, tableFunctions: ReadonlySet<string> = TABLE_FUNCTIONS): void {
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
    const lower = name.toLowerCase();
    if (reachesOutside(lower)) throw new QueryRejectedError(`${name}() reads files or opens connections outside the database and is not allowed here.`);
    if (tableFunctions.has(lower) && !SHARED_NAME_ALLOWED.has(lower)) {
      throw new QueryRejectedError(`${name}() is a table function, and table functions are not allowed anywhere in the query, outside FROM included. Query Vigía's tables (SHOW TABLES lists them).`);
    }
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
