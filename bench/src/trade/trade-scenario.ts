// The labelled trade scenario both the in-process harness and `vigia bench trade` run: the
// producer's simulation over warm-up + evaluated days, as the messages `vigia produce trade`
// publishes, with the ground truth set aside for the evaluation.
import type { TradeDeclaration } from '../../../contracts/index.ts';
import { createTradeSimulation } from '../../../producers/src/trade/index.ts';
import { simulatedTradeMessages, type TradeMessage } from '../../../producers/src/trade/trade-messages.ts';
import type { TruthDeclaration } from './trade-accuracy.ts';

const DAY_MS = 86_400_000;
/** Monday 2026-01-05 00:00 UTC: a fixed start, so a seed names one scenario. */
export const DEFAULT_TRADE_START = Date.UTC(2026, 0, 5);

export interface TradeScenarioOptions {
  seed: number;
  /** Evaluated simulated days (after the warm-up). @default 14 */
  days: number;
  /** Days companies and subheadings build their history first, not scored. @default 7 */
  warmupDays: number;
  /** Exporters at the start. @default 2000 */
  companies: number;
  /** Probability that a declaration of a known company becomes a point anomaly (more than the producer's 0.003, for tighter estimates). @default 0.01 */
  anomalyRate: number;
  /** Expected episodes (burst, structuring, new company, over quota, unusual route) per day. @default 6 */
  episodesPerDay: number;
  startTs?: number;
}

export const DEFAULT_TRADE_SCENARIO: Omit<TradeScenarioOptions, 'seed'> = { days: 14, warmupDays: 7, companies: 2000, anomalyRate: 0.01, episodesPerDay: 6 };

export interface TradeScenario {
  startTs: number;
  fromTs: number;
  endTs: number;
  messages: TradeMessage[];
  truths: TruthDeclaration[];
}

export function tradeScenario(opts: TradeScenarioOptions, partitions: number): TradeScenario {
  const startTs = opts.startTs ?? DEFAULT_TRADE_START;
  const fromTs = startTs + opts.warmupDays * DAY_MS;
  const endTs = fromTs + opts.days * DAY_MS;
  const sim = createTradeSimulation({ seed: opts.seed, startTs, companies: opts.companies, anomalyRate: opts.anomalyRate, episodesPerDay: opts.episodesPerDay });
  const messages = [...simulatedTradeMessages(sim.declarations(), { endTs }, partitions)];
  const truths: TruthDeclaration[] = [];
  for (const m of messages) {
    const d: TradeDeclaration = m.declaration;
    if (d.truth) truths.push({ id: d.id, ts: d.ts, entity: d.exporter_id, kind: d.truth.kind, faultId: d.truth.faultId });
  }
  return { startTs, fromTs, endTs, messages, truths };
}
