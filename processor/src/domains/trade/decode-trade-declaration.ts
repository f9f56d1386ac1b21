import { TradeDeclaration } from '../../../../contracts/index.ts';
import { decodeEvent, type DecodeBounds, type DecodeOutcome, type EventShape } from '../../core/decode-event.ts';

/** A declaration's time is `ts`; its partition key is the exporter. */
export const TRADE_DECLARATION_SHAPE: EventShape<typeof TradeDeclaration> = { schema: TradeDeclaration, time: (e) => e.ts, timeField: 'ts', key: (e) => e.exporter_id };

/** Bytes → a valid declaration, or the dead letter's kind and reason (see decodeEvent). */
export const decodeTradeDeclaration = (data: Uint8Array, bounds: DecodeBounds): DecodeOutcome<TradeDeclaration> => decodeEvent(data, TRADE_DECLARATION_SHAPE, bounds);
