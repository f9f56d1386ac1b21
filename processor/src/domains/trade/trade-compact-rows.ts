// The trade domain's two hot tables as value arrays (TableWrite.compact): the processor's writer
// sends them as JSONCompactEachRow, which carries no key names, so there is less to serialise
// and chDB parses less — on a real 2 000-declaration batch −18 % (scores) and −22 %
// (declarations) of the inserts' CPU, same stored rows (bench/probes/trade-insert-shapes.ts).
// Every column of the row types, in their order: nothing is left to a default.
import type { CompactRows } from '../domain-module.ts';
import type { TradeRecords } from './trade-batch.ts';
import type { TradeDeclarationRow, TradeScoreRow } from './trade-tables.ts';

export const TRADE_DECLARATION_COLUMNS = [
  'run_id',
  'event_id',
  'partition',
  'ts',
  'exporter_id',
  'exporter_name',
  'hs_code',
  'subheading',
  'port',
  'destination',
  'transport_mode',
  'fob_usd',
  'net_kg',
  'gross_kg',
  'quantity',
  'unit',
  'controlled',
  'licence',
  'quota_kg',
  'truth_kind',
  'truth_fault_id',
  'stream_seq',
  'ingested_at',
] as const satisfies readonly (keyof TradeDeclarationRow)[];

export const TRADE_SCORE_COLUMNS = [
  'run_id',
  'event_id',
  'ts',
  'exporter_id',
  'subheading',
  'port',
  'destination',
  'score',
  'severity',
  'top_group',
  'top_feature',
  'detector',
  'drivers',
  'quota_used',
  'shapley',
  'scored_at',
] as const satisfies readonly (keyof TradeScoreRow)[];

function declarationValues(r: TradeRecords): unknown[][] {
  const rows = r.declarations;
  const out = new Array<unknown[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i]!;
    out[i] = [d.run_id, d.event_id, d.partition, d.ts, d.exporter_id, d.exporter_name, d.hs_code, d.subheading, d.port, d.destination, d.transport_mode, d.fob_usd, d.net_kg, d.gross_kg, d.quantity, d.unit, d.controlled, d.licence, d.quota_kg, d.truth_kind, d.truth_fault_id, d.stream_seq, d.ingested_at];
  }
  return out;
}

function scoreValues(r: TradeRecords): unknown[][] {
  const rows = r.scores;
  const out = new Array<unknown[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i]!;
    out[i] = [s.run_id, s.event_id, s.ts, s.exporter_id, s.subheading, s.port, s.destination, s.score, s.severity, s.top_group, s.top_feature, s.detector, s.drivers, s.quota_used, s.shapley, s.scored_at];
  }
  return out;
}

export const tradeDeclarationsCompact: CompactRows<TradeRecords> = { columns: TRADE_DECLARATION_COLUMNS, values: declarationValues };
export const tradeScoresCompact: CompactRows<TradeRecords> = { columns: TRADE_SCORE_COLUMNS, values: scoreValues };
