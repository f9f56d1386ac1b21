/**
 * Accuracy of the trade domain against the producer's ground truth: pure matching and metrics,
 * shared by the in-process harness (offline-trade.ts) and `vigia bench trade` (through NATS, the
 * processor and ClickHouse). Inputs are plain records, so both build them from wherever their
 * scores live.
 *
 * Definitions (all restricted to the evaluated period [fromTs, untilTs), which excludes the
 * warm-up in which companies and subheadings build their history):
 *
 * Incident: the declarations sharing one ground-truth fault id — one declaration for a point
 *   anomaly (a price, weight, route or misclassification anomaly), all of an episode's for a
 *   burst, structuring, a new company, an exhausted licence (the over-quota declaration and the
 *   later ones under it) or an unusual route. Its kind is its label, its start the event time
 *   of its first declaration. Incidents that start in the period are judged.
 * Flagged: a declaration whose stored severity is at least `minSeverity` (minor by default: any
 *   anomaly the processor emits).
 * Found: an incident with at least one flagged declaration.
 *   TP_k = incidents of kind k found; FN_k = incidents of kind k not found.
 * False alarm: a flagged declaration without a label (a flagged declaration of another
 *   incident is never a false alarm: it is an anomaly, found). Counted per declaration.
 *   Except an echo: a burst, structuring or a new company is the company's behaviour, and its
 *   episode interleaves with the company's ordinary filings, which the behavioural features see
 *   in the same state; a flagged unlabelled declaration of the same company, within such an
 *   incident's span [start, last declaration + ECHO_MS], whose top group is the incident's
 *   kind's group, is an echo of it — neither a false alarm nor a find (counted apart).
 *   The detector names a feature group, not a kind, so a false alarm counts against the
 *   precision of the kinds its top group names (TRADE_KIND_GROUP), shared equally among them;
 *   a false alarm whose group names no kind is shared among all kinds. The FP_k thus sum to the
 *   false alarms, and may be fractional.
 *   precision_k = TP_k / (TP_k + FP_k), recall_k = TP_k / (TP_k + FN_k), F1 their harmonic mean
 *   (null when undefined).
 * Delay: per found incident, the event time of its first flagged declaration − its start
 *   (a burst is found when enough of it has arrived). Median and p90 per kind.
 * Explanation hit: a found incident whose first flagged declaration's top group is the group
 *   that names its kind (TRADE_KIND_GROUP). Hit rate = hits / found, per kind and overall.
 * Declarations: per kind, also the labelled declarations and how many of them were flagged
 *   (event-level recall, for reference).
 */
import { TRADE_ANOMALY_KINDS, type TradeAnomalyKind } from '../../../contracts/index.ts';
import { TRADE_KIND_GROUP } from '../../../processor/src/domains/trade/trade-kind-groups.ts';

/** How long after an episode's last declaration a flag on the company's ordinary filing is still its echo (the hourly burst count's half-life, twice). */
export const ECHO_MS = 2 * 3_600_000;
/** The kinds that are a company's behaviour over an episode (see echoes above). */
export const BEHAVIOUR_KINDS: readonly TradeAnomalyKind[] = ['burst', 'structuring', 'new_company'];

export const SEVERITY_RANK = { minor: 1, major: 2, critical: 3 } as const;
export type Severity = keyof typeof SEVERITY_RANK;

/** A labelled declaration (unlabelled ones need not be listed). */
export interface TruthDeclaration {
  id: string;
  ts: number;
  /** The exporter. */
  entity: string;
  kind: TradeAnomalyKind;
  faultId: string;
}

/** A declaration the processor scored with a severity (unflagged ones need not be listed). */
export interface FlaggedDeclaration {
  id: string;
  ts: number;
  /** The exporter. */
  entity: string;
  severity: Severity;
  /** The stored top_group. */
  group: string;
}

export interface TradeAccuracyInput {
  fromTs: number;
  untilTs: number;
  truths: readonly TruthDeclaration[];
  flagged: readonly FlaggedDeclaration[];
  /** @default 'minor' */
  minSeverity?: Severity;
}

export interface KindMetrics {
  group: string;
  incidents: number;
  tp: number;
  fn: number;
  fp: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  medianDelayMs: number | null;
  p90DelayMs: number | null;
  explanationHits: number;
  explanationHitRate: number | null;
  declarations: number;
  declarationsFlagged: number;
}

export interface TradeAccuracyReport {
  fromTs: number;
  untilTs: number;
  days: number;
  minSeverity: Severity;
  kinds: Record<TradeAnomalyKind, KindMetrics>;
  overall: {
    incidents: number;
    found: number;
    recall: number | null;
    /** Mean and least F1 over the kinds with incidents. */
    macroF1: number | null;
    minF1: number | null;
    explanationHitRate: number | null;
    /** Flagged declarations in the period (labelled or not). */
    flagged: number;
  };
  falseAlarms: { count: number; perDay: number; byGroup: Record<string, number>; /** Flags on ordinary filings during a behavioural episode (not counted above). */ echoes: number };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function f1Of(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

export function evaluateTradeAccuracy(input: TradeAccuracyInput): TradeAccuracyReport {
  const { fromTs, untilTs } = input;
  const minSeverity = input.minSeverity ?? 'minor';
  const inPeriod = (ts: number) => ts >= fromTs && ts < untilTs;
  const flaggedById = new Map<string, FlaggedDeclaration>();
  for (const f of input.flagged) if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minSeverity]) flaggedById.set(f.id, f);

  // Incidents: declarations by fault id, in event-time order.
  const incidents = new Map<string, { kind: TradeAnomalyKind; decls: TruthDeclaration[] }>();
  const labelled = new Set<string>();
  for (const t of input.truths) {
    labelled.add(t.id);
    let inc = incidents.get(t.faultId);
    if (!inc) incidents.set(t.faultId, (inc = { kind: t.kind, decls: [] }));
    inc.decls.push(t);
  }

  const acc = Object.fromEntries(TRADE_ANOMALY_KINDS.map((k) => [k, { incidents: 0, tp: 0, delays: [] as number[], hits: 0, declarations: 0, declarationsFlagged: 0 }])) as Record<
    TradeAnomalyKind,
    { incidents: number; tp: number; delays: number[]; hits: number; declarations: number; declarationsFlagged: number }
  >;
  for (const inc of incidents.values()) {
    inc.decls.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
    const start = inc.decls[0]!.ts;
    if (!inPeriod(start)) continue;
    const a = acc[inc.kind];
    a.incidents++;
    a.declarations += inc.decls.length;
    let first: FlaggedDeclaration | undefined;
    for (const d of inc.decls) {
      const f = flaggedById.get(d.id);
      if (!f) continue;
      a.declarationsFlagged++;
      if (!first || f.ts < first.ts) first = f;
    }
    if (!first) continue;
    a.tp++;
    a.delays.push(Math.max(0, first.ts - start));
    if (first.group === TRADE_KIND_GROUP[inc.kind]) a.hits++;
  }

  // Behavioural episodes per company, for echoes.
  const spans = new Map<string, { from: number; to: number; group: string }[]>();
  for (const inc of incidents.values()) {
    if (!BEHAVIOUR_KINDS.includes(inc.kind)) continue;
    const entity = inc.decls[0]!.entity;
    let list = spans.get(entity);
    if (!list) spans.set(entity, (list = []));
    list.push({ from: inc.decls[0]!.ts, to: inc.decls[inc.decls.length - 1]!.ts + ECHO_MS, group: TRADE_KIND_GROUP[inc.kind] });
  }
  const isEcho = (f: FlaggedDeclaration) => spans.get(f.entity)?.some((sp) => f.ts >= sp.from && f.ts <= sp.to && f.group === sp.group) ?? false;

  // False alarms, shared among the kinds their group names.
  const byGroup: Record<string, number> = {};
  let falseAlarms = 0;
  let echoes = 0;
  let flaggedInPeriod = 0;
  for (const f of flaggedById.values()) {
    if (!inPeriod(f.ts)) continue;
    flaggedInPeriod++;
    if (labelled.has(f.id)) continue;
    if (isEcho(f)) {
      echoes++;
      continue;
    }
    falseAlarms++;
    byGroup[f.group] = (byGroup[f.group] ?? 0) + 1;
  }
  const kindsOfGroup = (g: string) => TRADE_ANOMALY_KINDS.filter((k) => TRADE_KIND_GROUP[k] === g);
  const fp = Object.fromEntries(TRADE_ANOMALY_KINDS.map((k) => [k, 0])) as Record<TradeAnomalyKind, number>;
  for (const [g, n] of Object.entries(byGroup)) {
    const named = kindsOfGroup(g);
    const share = named.length ? named : TRADE_ANOMALY_KINDS;
    for (const k of share) fp[k] += n / share.length;
  }

  const kinds = {} as Record<TradeAnomalyKind, KindMetrics>;
  for (const k of TRADE_ANOMALY_KINDS) {
    const a = acc[k];
    const delays = [...a.delays].sort((x, y) => x - y);
    const precision = ratio(a.tp, a.tp + fp[k]);
    const recall = ratio(a.tp, a.incidents);
    kinds[k] = {
      group: TRADE_KIND_GROUP[k],
      incidents: a.incidents,
      tp: a.tp,
      fn: a.incidents - a.tp,
      fp: Number(fp[k].toFixed(3)),
      precision,
      recall,
      f1: f1Of(precision, recall),
      medianDelayMs: quantile(delays, 0.5),
      p90DelayMs: quantile(delays, 0.9),
      explanationHits: a.hits,
      explanationHitRate: ratio(a.hits, a.tp),
      declarations: a.declarations,
      declarationsFlagged: a.declarationsFlagged,
    };
  }
  const judged = TRADE_ANOMALY_KINDS.filter((k) => kinds[k].incidents > 0);
  const f1s = judged.map((k) => kinds[k].f1 ?? 0);
  const found = judged.reduce((s, k) => s + kinds[k].tp, 0);
  const total = judged.reduce((s, k) => s + kinds[k].incidents, 0);
  const days = (untilTs - fromTs) / 86_400_000;
  return {
    fromTs,
    untilTs,
    days,
    minSeverity,
    kinds,
    overall: {
      incidents: total,
      found,
      recall: ratio(found, total),
      macroF1: f1s.length ? f1s.reduce((s, x) => s + x, 0) / f1s.length : null,
      minF1: f1s.length ? Math.min(...f1s) : null,
      explanationHitRate: ratio(
        judged.reduce((s, k) => s + kinds[k].explanationHits, 0),
        found,
      ),
      flagged: flaggedInPeriod,
    },
    falseAlarms: { count: falseAlarms, perDay: days > 0 ? falseAlarms / days : 0, byGroup, echoes },
  };
}

/** The report as the table `vigia bench trade` prints. */
export function formatTradeReport(r: TradeAccuracyReport): string {
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const min = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(0)} min`);
  const lines = [
    `evaluated ${r.days.toFixed(1)} simulated days; flagged = severity ≥ ${r.minSeverity}`,
    'kind                  group    incidents  tp  fn     fp  precision  recall     F1  delay p50  delay p90  expl. hit  decl. flagged',
  ];
  for (const k of TRADE_ANOMALY_KINDS) {
    const m = r.kinds[k];
    lines.push(
      `${k.padEnd(21)} ${m.group.padEnd(8)} ${String(m.incidents).padStart(9)} ${String(m.tp).padStart(3)} ${String(m.fn).padStart(3)} ${m.fp.toFixed(1).padStart(6)}  ${f(m.precision).padStart(9)} ${f(m.recall).padStart(7)} ${f(m.f1).padStart(6)} ${min(m.medianDelayMs).padStart(10)} ${min(m.p90DelayMs).padStart(10)} ${f(m.explanationHitRate, 2).padStart(10)}  ${`${m.declarationsFlagged}/${m.declarations}`.padStart(13)}`,
    );
  }
  const o = r.overall;
  lines.push(`overall: ${o.found}/${o.incidents} incidents found (recall ${f(o.recall)}), macro F1 ${f(o.macroF1)}, least F1 ${f(o.minF1)}, explanation hit rate ${f(o.explanationHitRate)}`);
  lines.push(
    `false alarms: ${r.falseAlarms.count} (${r.falseAlarms.perDay.toFixed(2)} per simulated day; by group: ${
      Object.entries(r.falseAlarms.byGroup)
        .map(([g, n]) => `${g} ${n}`)
        .join(', ') || 'none'
    }); echoes (flags on a company's ordinary filings during its burst, structuring or first day, not counted): ${r.falseAlarms.echoes}`,
  );
  return `${lines.join('\n')}\n`;
}
