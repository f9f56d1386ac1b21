import { z } from 'zod';
import { GroundTruth } from './sensor-reading.ts';

/**
 * One export declaration as customs records it (modelled on the Colombian DIAN export
 * declaration): who exports what, through which customs port, to which country, at what FOB
 * value, weight and quantity. A declaration is the event; its time is `ts` (acceptance of the
 * declaration) and its partition key is the exporter, so one company's declarations stay in order.
 *
 * The schema rejects only what can never be a valid declaration (a malformed HS code, a negative
 * value, a net weight above the gross weight, a unit outside the closed set, a controlled
 * substance without its licence). Implausible but possible values — coffee at $300/kg, a
 * company shipping to a new country — stay valid: they are what the processor is there to find.
 */

/** Kinds of anomaly the trade producer injects; carried only as ground truth. */
export const TRADE_ANOMALY_KINDS = [
  'under_invoicing',
  'over_invoicing',
  'weight_inconsistency',
  'new_subheading',
  'new_port',
  'new_destination',
  'burst',
  'structuring',
  'new_company',
  'misclassification',
  'quota_exceeded',
  'unusual_route',
] as const;
export const TradeAnomalyKind = z.enum(TRADE_ANOMALY_KINDS);
export type TradeAnomalyKind = z.infer<typeof TradeAnomalyKind>;

/** Ground truth of an injected trade anomaly (never read while scoring). */
export const TradeTruth = GroundTruth.extend({ kind: TradeAnomalyKind });
export type TradeTruth = z.infer<typeof TradeTruth>;

/**
 * Units of quantity, a closed set of UN/ECE Recommendation 20 codes (what customs declarations
 * use): kilogram, gram, tonne, litre, cubic metre, square metre, metre, number of articles,
 * pair, dozen, kilowatt-hour, carat.
 */
export const TRADE_UNITS = ['KGM', 'GRM', 'TNE', 'LTR', 'MTQ', 'MTK', 'MTR', 'NAR', 'PR', 'DZN', 'KWH', 'CTM'] as const;
export const TradeUnit = z.enum(TRADE_UNITS, { error: (i) => `unknown unit ${JSON.stringify(i.input)?.slice(0, 40)}: expected one of ${TRADE_UNITS.join(', ')}` });
export type TradeUnit = z.infer<typeof TradeUnit>;

/** Kilograms per unit for the mass units (a quantity in them must agree with the net weight). */
export const MASS_UNIT_KG: Partial<Record<TradeUnit, number>> = { KGM: 1, GRM: 0.001, TNE: 1000, CTM: 0.0002 };

export const TRANSPORT_MODES = ['sea', 'air', 'road', 'rail', 'pipeline', 'post'] as const;
export const TransportMode = z.enum(TRANSPORT_MODES, { error: (i) => `unknown transport mode ${JSON.stringify(i.input)?.slice(0, 40)}: expected one of ${TRANSPORT_MODES.join(', ')}` });
export type TransportMode = z.infer<typeof TransportMode>;

/** HS code: the 6-digit international subheading plus up to 4 national digits. */
export const HS_CODE = /^\d{6,10}$/;

const finite = (field: string) => z.number({ error: `${field} must be a number` }).refine(Number.isFinite, `${field} must be a finite number`);
const nonNegative = (field: string, unit: string) => finite(field).refine((v) => v >= 0, `negative value: ${field} must be ≥ 0 (${unit})`);
const positive = (field: string, unit: string) => finite(field).refine((v) => v > 0, `${field} must be > 0 (${unit})`);

const TradeDeclarationShape = z.strictObject({
  /** Declaration number; globally unique and stable across retries: the idempotency key everywhere. */
  id: z.string().min(1).max(128),
  /** Acceptance time of the declaration, epoch ms (UTC); the event time. */
  ts: z.number().int('ts must be integer epoch ms').min(0, 'ts must be ≥ 0').max(8_640_000_000_000, 'ts is beyond the representable dates'),
  /** Exporter's tax id (NIT); the partition key. */
  exporter_id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'exporter_id is 1–32 characters of A–Z, a–z, 0–9, _ or -'),
  exporter_name: z.string().min(1).max(200),
  /** 6–10 digits; the first 6 (the subheading) drive the features. */
  hs_code: z.string().regex(HS_CODE, 'malformed HS code: expected 6 to 10 digits (the 6-digit subheading plus national digits)'),
  /** Customs port (UN/LOCODE, e.g. COCTG Cartagena). */
  port: z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}$/, 'port must be a UN/LOCODE: 2 letters of country + 3 letters or digits'),
  /** Destination country, ISO 3166-1 alpha-2. */
  destination: z.string().regex(/^[A-Z]{2}$/, 'destination must be an ISO 3166-1 alpha-2 country code'),
  transport_mode: TransportMode,
  /** Free-on-board value, USD. */
  fob_usd: nonNegative('fob_usd', 'USD'),
  net_kg: positive('net_kg', 'kg'),
  gross_kg: positive('gross_kg', 'kg'),
  quantity: nonNegative('quantity', 'units of `unit`'),
  unit: TradeUnit,
  /** A controlled substance (chemical precursor under quota). */
  controlled: z.boolean(),
  /** The quota licence the controlled substance is declared under; absent otherwise. */
  licence: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'licence is 1–64 characters of A–Z, a–z, 0–9, _ or -').optional(),
  /** The licence's yearly quota for this substance, kg, as the register states it; with `licence` only. */
  quota_kg: positive('quota_kg', 'kg').optional(),
  truth: TradeTruth.nullish(),
});

export const TradeDeclaration = TradeDeclarationShape.superRefine((d, ctx) => {
  if (d.net_kg > d.gross_kg) ctx.addIssue({ code: 'custom', path: ['net_kg'], message: `net weight above gross: net_kg ${d.net_kg} > gross_kg ${d.gross_kg}` });
  if (d.controlled && (d.licence === undefined || d.quota_kg === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['licence'], message: 'a controlled substance needs its quota licence id and the licence quota_kg' });
  }
  if (!d.controlled && (d.licence !== undefined || d.quota_kg !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['licence'], message: 'licence and quota_kg belong to controlled substances only (controlled is false)' });
  }
});
export type TradeDeclaration = z.infer<typeof TradeDeclaration>;

/** The 6-digit international subheading of an HS code. */
export const subheadingOf = (hsCode: string): string => hsCode.slice(0, 6);
/** The 2-digit HS chapter of an HS code. */
export const chapterOf = (hsCode: string): string => hsCode.slice(0, 2);
