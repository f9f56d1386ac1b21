import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TradeDeclaration, subheadingOf, chapterOf } from './trade-declaration.ts';

export const validDeclaration = () => ({
  id: 'D-1',
  ts: Date.UTC(2026, 0, 5, 10),
  exporter_id: '900123456',
  exporter_name: 'Café Andino SAS',
  hs_code: '0901119000',
  port: 'COCTG',
  destination: 'US',
  transport_mode: 'sea',
  fob_usd: 52_000,
  net_kg: 12_000,
  gross_kg: 12_300,
  quantity: 12_000,
  unit: 'KGM',
  controlled: false,
});

const reasonOf = (d: unknown) => {
  const r = TradeDeclaration.safeParse(d);
  assert.equal(r.success, false, 'expected a rejection');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

test('a well-formed declaration parses; subheading and chapter come from the HS code', () => {
  const d = TradeDeclaration.parse(validDeclaration());
  assert.equal(subheadingOf(d.hs_code), '090111');
  assert.equal(chapterOf(d.hs_code), '09');
  const c = TradeDeclaration.parse({ ...validDeclaration(), hs_code: '291411', controlled: true, licence: 'LIC-1', quota_kg: 50_000 });
  assert.equal(c.licence, 'LIC-1');
});

test('each defined bad input is refused with its reason', () => {
  assert.match(reasonOf({ ...validDeclaration(), hs_code: '09011' }), /hs_code: malformed HS code/);
  assert.match(reasonOf({ ...validDeclaration(), hs_code: '09011A' }), /malformed HS code/);
  assert.match(reasonOf({ ...validDeclaration(), hs_code: '09011100000' }), /malformed HS code/);
  assert.match(reasonOf({ ...validDeclaration(), fob_usd: -1 }), /fob_usd: negative value/);
  assert.match(reasonOf({ ...validDeclaration(), quantity: -3 }), /quantity: negative value/);
  assert.match(reasonOf({ ...validDeclaration(), net_kg: 13_000 }), /net_kg: net weight above gross: net_kg 13000 > gross_kg 12300/);
  assert.match(reasonOf({ ...validDeclaration(), unit: 'BAGS' }), /unit: unknown unit "BAGS"/);
  assert.match(reasonOf({ ...validDeclaration(), transport_mode: 'camel' }), /transport_mode: unknown transport mode/);
  assert.match(reasonOf({ ...validDeclaration(), controlled: true }), /licence: a controlled substance needs its quota licence id/);
  assert.match(reasonOf({ ...validDeclaration(), licence: 'LIC-1', quota_kg: 10 }), /controlled substances only/);
  assert.match(reasonOf({ ...validDeclaration(), port: 'Cartagena' }), /port must be a UN\/LOCODE/);
  assert.match(reasonOf({ ...validDeclaration(), fob_usd: Number.NaN }), /fob_usd/);
  assert.match(reasonOf({ ...validDeclaration(), extra: 1 }), /extra|Unrecognized/i);
});
