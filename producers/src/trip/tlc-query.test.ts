import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectTlcLayout } from './tlc-layout.ts';
import { baseType, buildTlcQuery, fieldExpression, sqlString, tlcFileFormat } from './tlc-query.ts';

test('format by file name', () => {
  assert.equal(tlcFileFormat('/d/yellow_tripdata_2015-01.parquet'), 'Parquet');
  assert.equal(tlcFileFormat('x.CSV'), 'CSVWithNames');
  assert.equal(tlcFileFormat('x.csv.gz'), 'CSVWithNames');
  assert.equal(tlcFileFormat('x.json'), undefined);
});

test('types: wrappers stripped; times, numbers and codes read whatever their type', () => {
  assert.equal(baseType('Nullable(DateTime64(6, \'UTC\'))'), "DateTime64(6, 'UTC')");
  assert.equal(baseType('LowCardinality(Nullable(String))'), 'String');
  assert.match(fieldExpression('pickup_time', { name: 'tpep_pickup_datetime', type: 'Nullable(DateTime64(6))' }), /^toUnixTimestamp64Milli\(toDateTime64\(`tpep_pickup_datetime`, 3\)\)$/);
  assert.match(fieldExpression('pickup_time', { name: 'Trip_Pickup_DateTime', type: 'Nullable(String)' }), /parseDateTime64BestEffortOrNull\(toString\(`Trip_Pickup_DateTime`\), 3, 'UTC'\)/);
  assert.equal(fieldExpression('fare_amount', { name: 'fare_amount', type: 'Nullable(Float64)' }), 'toFloat64(`fare_amount`)');
  assert.equal(fieldExpression('fare_amount', { name: 'Fare_Amt', type: 'Nullable(String)' }), 'toFloat64OrNull(trimBoth(toString(`Fare_Amt`)))');
  assert.equal(fieldExpression('vendor', { name: 'VendorID', type: 'Int32' }), "nullIf(trimBoth(toString(`VendorID`)), '')");
});

test('quoting: a path or column name cannot break out of the SQL', () => {
  assert.equal(sqlString("/tmp/it's\\here.csv"), "'/tmp/it\\'s\\\\here.csv'");
  assert.match(fieldExpression('fare_amount', { name: 'a`b', type: 'Float64' }), /`a\\`b`/);
});

test('the query numbers rows in file order and sorts by dropoff in UTC, then row', () => {
  const layout = detectTlcLayout(['tpep_pickup_datetime', 'tpep_dropoff_datetime', 'PULocationID', 'DOLocationID'].map((name) => ({ name, type: 'Nullable(String)' })));
  const sql = buildTlcQuery('/d/f.csv', 'CSVWithNames', layout, { limit: 10 });
  assert.match(sql, /_row_number \+ 1 AS row/);
  assert.match(sql, /AS pickup_zone/);
  assert.match(sql, /ORDER BY if\(timeZoneOffset\(.*'America\/New_York'\)\) = -14400.* ASC NULLS LAST, row ASC LIMIT 10 SETTINGS input_format_parallel_parsing = 0/);
  assert.match(sql, /file\('\/d\/f\.csv', 'CSVWithNames'\)/);
});
