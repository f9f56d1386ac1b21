import { test } from 'node:test';
import fc from 'fast-check';
import { TRADE_ANOMALY_KINDS, TradeDeclaration } from '../../../../contracts/index.ts';
import { asJsonText, checkDecoderUnchanged, checkFastPathAgreesWithZod } from '../../core/fuzz/fast-path-checks.ts';
import { hostileString, hostileTime, hostileValue, NOW } from '../../core/fuzz/poison-arbitraries.ts';
import { fastTradeDeclaration } from './fast-trade-declaration.ts';
import { FAST_TRADE_DECLARATION_SHAPE } from './decode-trade-declaration.ts';

// What the fast path must keep: on any JSON value, whatever it accepts zod accepts too, with the
// same value and its keys in the same order; and the decoder with it gives the same outcomes and
// reasons as zod alone. It may leave a valid declaration to zod (a string within its limit in
// code points but not in UTF-16 units), but not many of them.

const around = (n: number) => fc.constantFrom('', 'a'.repeat(n - 1), 'a'.repeat(n), 'a'.repeat(n + 1));
const junk = fc.constantFrom<unknown>(null, 1, [], {}, true, '');
const text = (max: number) => fc.oneof({ weight: 60, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, around(max), hostileString, junk);
const pick = <T>(good: readonly T[], bad: readonly unknown[]) => fc.oneof({ weight: 60, arbitrary: fc.constantFrom(...good) }, fc.constantFrom(...bad), hostileString, junk);
const amount = fc.oneof({ weight: 60, arbitrary: fc.double({ min: 0.01, max: 1e6, noNaN: true }) }, hostileValue, fc.constantFrom<unknown>(0, -0, -1, '5', null));
const truth = fc.oneof(
  fc.record({ kind: pick(TRADE_ANOMALY_KINDS, ['leak', 'Burst']), faultId: text(80), channel: text(64) }, { requiredKeys: ['kind', 'faultId'] }),
  fc.record({ kind: fc.constantFrom(...TRADE_ANOMALY_KINDS), faultId: text(80), extra: fc.jsonValue({ maxDepth: 1 }) }),
  fc.constantFrom<unknown>(null, 'burst', [], 0),
);
const declaration = fc
  .record(
    {
      id: text(128),
      ts: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: NOW - 86_400_000, max: NOW }) }, hostileTime, fc.constantFrom(-1, 0.1, 8_640_000_000_000, 8_640_000_000_001)),
      exporter_id: pick(['900123456', 'A_b-9', 'x'.repeat(32)], ['x'.repeat(33), 'a b', '', 'é']),
      exporter_name: text(200),
      hs_code: pick(['090111', '0901119000', '2939410000', '27090000'], ['09011', '09011190001', '0901.11', 'abcdef', 901119]),
      port: pick(['COCTG', 'COBUN', 'COBO1'], ['coctg', 'CO-CT', 'COCT', 'COCTGX']),
      destination: pick(['US', 'NL', 'EC'], ['us', 'USA', 'U']),
      transport_mode: pick(['sea', 'air', 'road', 'post'], ['ship', 'SEA']),
      fob_usd: amount,
      net_kg: amount,
      gross_kg: amount,
      quantity: amount,
      unit: pick(['KGM', 'NAR', 'TNE', 'LTR'], ['kg', 'KG', 'XYZ']),
      controlled: fc.oneof({ weight: 30, arbitrary: fc.boolean() }, junk),
      licence: pick(['LIC-900123456-293941', 'L'], ['x'.repeat(65), 'LIC 1']),
      quota_kg: amount,
      truth,
      extra: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: ['id', 'ts', 'exporter_id', 'exporter_name', 'hs_code', 'port', 'destination', 'transport_mode', 'fob_usd', 'net_kg', 'gross_kg', 'quantity', 'unit', 'controlled'] },
  )
  // Mostly coherent (a gross weight above the net, a licence only with a controlled substance),
  // so that valid declarations are common; the incoherent rest stays.
  .chain((d) =>
    fc.record({ coherent: fc.integer({ min: 0, max: 9 }), dropExtra: fc.integer({ min: 0, max: 3 }) }).map(({ coherent, dropExtra }) => {
      const r: Record<string, unknown> = { ...d };
      if (dropExtra > 0) delete r.extra;
      if (coherent >= 3) {
        if (typeof r.net_kg === 'number' && typeof r.gross_kg === 'number' && r.gross_kg < r.net_kg) r.gross_kg = r.net_kg * 1.05;
        if (r.controlled === true) {
          r.licence ??= 'LIC-1';
          r.quota_kg ??= 1000;
        } else if (r.controlled === false) {
          delete r.licence;
          delete r.quota_kg;
        }
      }
      return r;
    }),
  );
const input = asJsonText(declaration, fc.constantFrom('{"__proto__":{"id":"x"}}', '{"id":"d1","__proto__":null}'),
  declaration.map((r) => JSON.stringify(r).replace(/"truth":\{/, '"truth":{"__proto__":{"kind":"burst"},')));

test('what the fast path accepts, zod accepts, with the same value and key order', () => {
  checkFastPathAgreesWithZod(TradeDeclaration, fastTradeDeclaration, input, 'declarations');
});

test('the decoder gives the same outcomes and reasons with the fast path as with zod alone', () => {
  checkDecoderUnchanged(FAST_TRADE_DECLARATION_SHAPE, input);
});
