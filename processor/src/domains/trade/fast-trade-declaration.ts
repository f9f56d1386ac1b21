import { HS_CODE, TRADE_ANOMALY_KINDS, TRADE_UNITS, TRANSPORT_MODES, type TradeDeclaration } from '../../../../contracts/index.ts';

// The rules of contracts/trade-declaration.ts, written out for the common case. zod's safeParse
// was 13 % of the processor's main thread in `vigia bench trade --profile` (README, Trade bench);
// this check costs a fraction of it. It only ever *accepts*: anything it is not sure of goes to
// zod, which then decides and words the reason, so accept/reject and the reasons stay zod's
// (fast-trade-declaration.fuzz.test.ts compares both on fuzzed input, key order included).
const EXPORTER = /^[A-Za-z0-9_-]{1,32}$/;
const PORT = /^[A-Z]{2}[A-Z0-9]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LICENCE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TS = 8_640_000_000_000;
const UNITS: ReadonlySet<unknown> = new Set(TRADE_UNITS);
const MODES: ReadonlySet<unknown> = new Set(TRANSPORT_MODES);
const KINDS: ReadonlySet<unknown> = new Set(TRADE_ANOMALY_KINDS);
/** The contract's keys: any other makes the strict object zod's to refuse. */
const KEYS: ReadonlySet<string> = new Set(['id', 'ts', 'exporter_id', 'exporter_name', 'hs_code', 'port', 'destination', 'transport_mode', 'fob_usd', 'net_kg', 'gross_kg', 'quantity', 'unit', 'controlled', 'licence', 'quota_kg', 'truth']);

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length >= 1 && v.length <= max;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A parsed JSON value as TradeDeclaration exactly as `TradeDeclaration.parse` would give it (keys
 * in the schema's order, absent optional keys left out), or undefined when it is not plainly
 * valid: then zod must decide.
 */
export function fastTradeDeclaration(json: unknown): TradeDeclaration | undefined {
  if (!isPlainObject(json)) return undefined;
  for (const k of Object.keys(json)) if (!KEYS.has(k)) return undefined;
  const j = json as Record<string, unknown>;
  const { id, ts, exporter_id, exporter_name, hs_code, port, destination, transport_mode, fob_usd, net_kg, gross_kg, quantity, unit, controlled, licence, quota_kg, truth } = j;
  if (!text(id, 128) || !text(exporter_name, 200)) return undefined;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TS) return undefined;
  if (typeof exporter_id !== 'string' || !EXPORTER.test(exporter_id)) return undefined;
  if (typeof hs_code !== 'string' || !HS_CODE.test(hs_code)) return undefined;
  if (typeof port !== 'string' || !PORT.test(port)) return undefined;
  if (typeof destination !== 'string' || !COUNTRY.test(destination)) return undefined;
  if (!MODES.has(transport_mode) || !UNITS.has(unit) || typeof controlled !== 'boolean') return undefined;
  if (!finite(fob_usd) || fob_usd < 0 || !finite(quantity) || quantity < 0) return undefined;
  if (!finite(net_kg) || net_kg <= 0 || !finite(gross_kg) || gross_kg <= 0 || net_kg > gross_kg) return undefined;
  // A controlled substance carries both its licence and quota; anything else carries neither.
  if (controlled) {
    if (typeof licence !== 'string' || !LICENCE.test(licence) || !finite(quota_kg) || quota_kg <= 0) return undefined;
  } else if ('licence' in j || 'quota_kg' in j) return undefined;
  const d = { id, ts, exporter_id, exporter_name, hs_code, port, destination, transport_mode, fob_usd, net_kg, gross_kg, quantity, unit, controlled } as TradeDeclaration;
  if (controlled) {
    d.licence = licence as string;
    d.quota_kg = quota_kg as number;
  }
  if (!('truth' in j)) return d;
  if (truth === null) {
    d.truth = null;
    return d;
  }
  if (!isPlainObject(truth)) return undefined;
  // The truth is a plain (not strict) object: zod drops its other keys, and so does this, but
  // leaves an own `__proto__` key to zod.
  if (Object.hasOwn(truth, '__proto__')) return undefined;
  const { kind, faultId, channel } = truth as Record<string, unknown>;
  if (!KINDS.has(kind) || !text(faultId, 80)) return undefined;
  if (!('channel' in truth)) d.truth = { kind, faultId } as NonNullable<TradeDeclaration['truth']>;
  else if (typeof channel === 'string' && channel.length <= 64) d.truth = { kind, faultId, channel } as NonNullable<TradeDeclaration['truth']>;
  else return undefined;
  return d;
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
