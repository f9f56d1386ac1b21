// The trade routes' parameters, checked at the edge: every bound is stated, so a read is always
// limited in rows and in event time, and a bad request gets a 400 that says what to send.
import { z } from 'zod';

const whole = (name: string, min: number, max: number, def: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number from ${min} to ${max}` })
    .int(`${name} must be a whole number from ${min} to ${max}`)
    .min(min, `${name} must be a whole number from ${min} to ${max}`)
    .max(max, `${name} must be a whole number from ${min} to ${max}`)
    .default(def);

/** The contract's exporter id (a NIT): what can be a company at all. */
export const ExporterId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'company ids are 1–32 characters of A–Z, a–z, 0–9, _ or -');

/** A declaration id as the contract allows it (1–128 characters), without control characters. */
const EventId = z
  .string()
  .min(1, 'event must be a declaration id (1–128 characters)')
  .max(128, 'event must be a declaration id (1–128 characters)')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'event must not contain control characters');

/** `GET /anomalies`: the newest anomalous declarations, optionally of one company. */
export const AnomaliesQuery = z.strictObject({
  /** Rows. @default 50 */
  limit: whole('limit', 1, 500, 50),
  /** Only this company's. */
  company: ExporterId.optional(),
  /** Event-time window back from the newest scored declaration, hours. @default 720 (30 days) */
  hours: whole('hours', 1, 24 * 366, 720),
});

/** `GET /companies/top`: the companies whose declarations scored highest over a window. */
export const TopCompaniesQuery = z.strictObject({
  /** Event-time window back from the newest scored declaration, hours. @default 24 */
  hours: whole('hours', 1, 24 * 366, 24),
  /** Companies. @default 10 */
  limit: whole('limit', 1, 100, 10),
});

/** `GET /companies/:id/graph`: the company's neighbourhood, around one declaration if named. */
export const GraphQuery = z.strictObject({
  /** Days of routes up to the focused declaration's day (else the company's newest day). @default 30 */
  days: whole('days', 1, 366, 30),
  /** The declaration whose route is highlighted. */
  event: EventId.optional(),
  /** Routes (subheading × port × destination) drawn, largest FOB first. @default 150 */
  routes: whole('routes', 1, 500, 150),
});

/** The parsed query, or the reasons it cannot be, one line per problem. */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): { ok: true; value: z.infer<T> } | { ok: false; error: string } {
  const r = schema.safeParse(query);
  if (r.success) return { ok: true, value: r.data };
  const lines = r.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')} (allowed: ${Object.keys((schema as unknown as z.ZodObject).shape).join(', ')})` : i.message));
  return { ok: false, error: lines.join('; ') };
}
