// The trade domain's two hot tables as value arrays (TableWrite.compact): the processor's writer
// sends them as JSONCompactEachRow, which carries no key names, so there is less to serialise
// and chDB parses less — on a real 2 000-declaration batch −18 % (scores) and −22 %
// (declarations) of the inserts' CPU, same stored rows (bench/probes/trade-insert-shapes.ts).
// Every column of the row types, in their order: nothing is left to a default.
import { compactFields } from '../domain-module.ts';
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

export const tradeDeclarationsCompact = compactFields<TradeRecords, TradeDeclarationRow>(TRADE_DECLARATION_COLUMNS, (r) => r.declarations);
export const tradeScoresCompact = compactFields<TradeRecords, TradeScoreRow>(TRADE_SCORE_COLUMNS, (r) => r.scores);
