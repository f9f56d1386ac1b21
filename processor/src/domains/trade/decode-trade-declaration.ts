import { TradeDeclaration } from '../../../../contracts/index.ts';
import { decodeEvent, type DecodeBounds, type DecodeOutcome, type EventShape } from '../../core/decode-event.ts';
import { fastTradeDeclaration } from './fast-trade-declaration.ts';

/** A declaration's time is `ts`; its partition key is the exporter. zod alone decides. */
export const TRADE_DECLARATION_SHAPE: EventShape<typeof TradeDeclaration> = { schema: TradeDeclaration, time: (e) => e.ts, timeField: 'ts', key: (e) => e.exporter_id };

/**
 * The shape the processor decodes with: what fastTradeDeclaration accepts is taken as is, the rest
 * goes to zod, which decides and words the refusal; the same outcomes as TRADE_DECLARATION_SHAPE
 * (fast-trade-declaration.fuzz.test.ts).
 */
export const FAST_TRADE_DECLARATION_SHAPE: EventShape<typeof TradeDeclaration> = { ...TRADE_DECLARATION_SHAPE, fastParse: fastTradeDeclaration };

/** Bytes → a valid declaration, or the dead letter's kind and reason (see decodeEvent). */
export const decodeTradeDeclaration = (data: Uint8Array, bounds: DecodeBounds): DecodeOutcome<TradeDeclaration> => decodeEvent(data, FAST_TRADE_DECLARATION_SHAPE, bounds);
