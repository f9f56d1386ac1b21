import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Domain } from '../../../contracts/index.ts';
import { DOMAIN_MODULES, domainModule, UnknownDomainError } from './registry.ts';

test('every registered module has a valid, unique name', () => {
  const names = DOMAIN_MODULES.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.ok(Domain.safeParse(n).success, n);
});

test("each module writes its events table last (its rows are what 'processed' means) and nothing twice", () => {
  for (const m of DOMAIN_MODULES) {
    // A write into a Null table reaches the tables its materialised views fill, in that order.
    const tables = m.store.writes.flatMap((w) => w.fills ?? [w.table]);
    assert.equal(tables.at(-1), m.store.eventsTable, m.name);
    assert.equal(new Set(tables).size, tables.length, m.name);
  }
});

test("a module's own socket rooms do not collide with the generic domain and entity rooms", () => {
  for (const m of DOMAIN_MODULES) for (const r of m.socketRooms ?? []) assert.ok(!/^(domain|entity):/.test(r.prefix), `${m.name}: ${r.prefix}`);
});

test('an unknown domain is refused with the registered names', () => {
  assert.throws(() => domainModule('nosuch'), (e: unknown) => e instanceof UnknownDomainError && /processor\.domains: no domain module 'nosuch'.*sensor, trip/.test(e.message));
});
