import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExplainAst } from './explain-ast.ts';
import { assertAnalystStatement } from './analyst-statement.ts';
import { QueryRejectedError } from './store-errors.ts';

// Dumps as chDB 3.4 (ClickHouse 26.7) prints them for `EXPLAIN AST <statement>`.
const dump = (text: string) => text.trim().split('\n').map((l) => l.replace(/^\|/, ''));
const check = (text: string) => assertAnalystStatement(parseExplainAst(dump(text)));
const refused = (text: string, reason: RegExp) => assert.throws(() => check(text), (e: unknown) => e instanceof QueryRejectedError && reason.test(e.message));

const SELECT_FROM_T = `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 2)
|   ExpressionList (children 1)
|    Asterisk
|   TablesInSelectQuery (children 1)
|    TablesInSelectQueryElement (children 1)
|     TableExpression (children 1)
|      TableIdentifier t`;

test('reading statements pass', () => {
  check(SELECT_FROM_T);
  check('ShowTables');
  check('ShowColumns');
  check('ShowCreateTableQuery  t (children 1)\n Identifier t');
  check('ExistsTableQuery vigia t (children 2)\n Identifier vigia\n Identifier t');
  check('DescribeQuery (children 1)\n TableExpression (children 1)\n  TableIdentifier t');
  check(`
Explain EXPLAIN (children 2)
| Set
| SelectWithUnionQuery (children 1)
|  ExpressionList (children 1)
|   SelectQuery (children 1)
|    ExpressionList (children 1)
|     Literal UInt64_1`);
});

test('writes and other statements are refused by kind', () => {
  refused('InsertQuery (children 1)\n Identifier t', /reading statements.*InsertQuery/);
  refused('SetQuery', /SetQuery/);
  refused('Explain EXPLAIN (children 1)\n ShowTables', /SELECT only/);
  refused("Explain EXPLAIN TABLE OVERRIDE (children 2)\n Function mysql (children 1)\n  ExpressionList (children 1)\n   Literal 'a'\n TableOverride  (children 1)\n  Identifier x", /TABLE OVERRIDE/);
});

test('a set operation is allowed inside a subquery only, where the row cap does not cut its parts', () => {
  const select = (n: number) => `|  SelectQuery (children 1)\n|   ExpressionList (children 1)\n|    Literal UInt64_${n}`;
  refused(`SelectWithUnionQuery (children 1)\n| ExpressionList (children 2)\n${select(1)}\n${select(2)}`, /inside a subquery/);
  refused(
    `SelectWithUnionQuery (children 1)\n| ExpressionList (children 1)\n|  SelectIntersectExceptQuery (children 2)\n${select(1).replace(/\|/g, '| ')}\n${select(2).replace(/\|/g, '| ')}`,
    /inside a subquery/,
  );
});

test('INTO OUTFILE, FORMAT and SETTINGS are refused wherever the parser puts them', () => {
  refused(`${SELECT_FROM_T.replace('(children 1)', '(children 2)')}\n Literal '/tmp/f.txt'`, /INTO OUTFILE/);
  refused(`${SELECT_FROM_T.replace('(children 1)', '(children 3)')}\n Literal '/tmp/f.txt'\n Identifier CSV`, /INTO OUTFILE/);
  refused(`${SELECT_FROM_T.replace('(children 1)', '(children 2)')}\n Identifier CSV`, /FORMAT CSV/);
  refused("ShowTables (children 1)\n Literal '/tmp/f.txt'", /INTO OUTFILE/);
  refused("DescribeQuery (children 2)\n TableExpression (children 1)\n  TableIdentifier t\n Literal '/tmp/f.txt'", /INTO OUTFILE/);
  refused(
    `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 2)
|   ExpressionList (children 1)
|    Literal UInt64_1
|   Set`,
    /SETTINGS/,
  );
});

test('table functions are refused in any table position, file() anywhere', () => {
  const from = (table: string) => SELECT_FROM_T.replace('|      TableIdentifier t', table);
  refused(from("|      Function file (children 1)\n|       ExpressionList (children 1)\n|        Literal '/etc/passwd'"), /Table functions.*file\(\)/);
  refused(from('|      Function url (alias u) (children 1)\n|       ExpressionList (children 1)\n|        Literal 1'), /url\(\)/);
  refused(from('|      Function numbers (children 1)\n|       ExpressionList (children 1)\n|        Literal UInt64_3'), /numbers\(\).*system\.numbers/);
  refused("DescribeQuery (children 1)\n TableExpression (children 1)\n  Function s3 (children 1)\n   ExpressionList (children 1)\n    Literal 'x'", /s3\(\)/);
  refused(
    `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 1)
|   ExpressionList (children 2)
|    Function plus (children 1)
|     ExpressionList (children 2)
|      Literal UInt64_1
|      Literal UInt64_1
|    Function file (children 1)
|     ExpressionList (children 1)
|      Literal '/etc/hostname'`,
    /file\(\) reads files/,
  );
});

/** `SELECT <expr>`: the expression's dump lines, written at depth 4. */
const selectOf = (expr: string) => `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 1)
|   ExpressionList (children 1)
${expr.trim()}`;

test('functions that open connections or read files are refused anywhere, their aliases and families included', () => {
  // hasColumnInTable('127.0.0.1:9000', 'u', 'p', 'db', 't', 'c'): the native-protocol form.
  refused(
    selectOf(`
|    Function hasColumnInTable (children 1)
|     ExpressionList (children 6)
|      Literal 'h:1'
|      Literal 'u'
|      Literal 'p'
|      Literal 'db'
|      Literal 't'
|      Literal 'c'`),
    /hasColumnInTable\(\) reads files or opens connections/,
  );
  for (const name of ['dictGetString', 'dictHas', 'catboostEvaluate', 'addressToLine', 'aiGenerate', 'AIGenerate', 'naiveBayesClassifier', 'showCertificate', 'generateSerialID', 'FILE']) {
    refused(selectOf(`|    Function ${name} (children 1)\n|     ExpressionList (children 1)\n|      Literal 'x'`), new RegExp(`${name}\\(\\) reads files or opens connections`));
  }
  // Nested as an argument of an ordinary function.
  refused(
    selectOf(`
|    Function toString (children 1)
|     ExpressionList (children 1)
|      Function hasColumnInTable (children 1)
|       ExpressionList (children 1)
|        Literal 'h:1'`),
    /hasColumnInTable/,
  );
});

test('a table function is refused outside FROM too: in IN, as an argument, in a lambda', () => {
  const url = (pad: string) => `${pad}Function url (children 1)\n${pad} ExpressionList (children 2)\n${pad}  Literal 'http://h/'\n${pad}  Literal 'LineAsString'`;
  // SELECT 1 FROM runs WHERE run_id IN url('http://h/', 'LineAsString')
  refused(
    `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 3)
|   ExpressionList (children 1)
|    Literal UInt64_1
|   TablesInSelectQuery (children 1)
|    TablesInSelectQueryElement (children 1)
|     TableExpression (children 1)
|      TableIdentifier runs
|   Function in (children 1)
|    ExpressionList (children 2)
|     Identifier run_id
${url('|     ')}`,
    /url\(\) is a table function/,
  );
  // SELECT arrayMap(x -> x IN url('http://h/', 'LineAsString'), [1])
  refused(
    selectOf(`
|    Function arrayMap (children 1)
|     ExpressionList (children 2)
|      Function lambda (children 1)
|       ExpressionList (children 2)
|        Function tuple (children 1)
|         ExpressionList (children 1)
|          Identifier x
|        Function in (children 1)
|         ExpressionList (children 2)
|          Identifier x
${url('|          ')}
|      Literal Array_[UInt64_1]`),
    /url\(\) is a table function/,
  );
  // SELECT toString(remote('h:1', system.one))
  refused(
    selectOf(`
|    Function toString (children 1)
|     ExpressionList (children 1)
|      Function remote (children 1)
|       ExpressionList (children 2)
|        Literal 'h:1'
|        Identifier system.one`),
    /remote\(\) is a table function/,
  );
  // Names are matched without regard to case, and the engine's own list is used when given.
  refused(selectOf(`|    Function S3 (children 1)\n|     ExpressionList (children 1)\n|      Literal 'x'`), /S3\(\) is a table function/);
  assert.throws(() => assertAnalystStatement(parseExplainAst(dump(selectOf('|    Function newLake (children 1)\n|     ExpressionList (children 1)\n|      Literal 1'))), new Set(['newlake'])), /newLake\(\) is a table function/);
  // format() the string function shares a table function's name and stays allowed.
  check(
    selectOf(`
|    Function format (children 1)
|     ExpressionList (children 2)
|      Literal '{}'
|      Literal UInt64_1`),
  );
});

test('a dump broken by a line break inside a name is refused, not guessed at', () => {
  const broken = `
SelectWithUnionQuery (children 1)
| ExpressionList (children 1)
|  SelectQuery (children 1)
|   ExpressionList (children 1)
|    Literal UInt64_1 (alias a
b)`;
  assert.throws(() => check(broken), /line breaks/);
  // Extra lines that look like nodes break the declared child counts.
  assert.throws(() => check(`${SELECT_FROM_T}\n|      TableIdentifier u`), /line breaks/);
});
