// The domain's name, for the code in this folder that filters anomalies and rooms by it. Its
// own file, so feeds and their tests need not load index.ts.
import type { Domain } from '../../../../contracts/index.ts';

export const TRADE_DOMAIN = 'trade' satisfies Domain;
