import type { TradeDeclaration } from '../../../../contracts/index.ts';

/**
 * Test support: a plain, valid coffee export (10 t by sea from Cartagena to the US, 40 000 USD)
 * that each trade test overrides where its case differs, so that a test shows only what matters
 * to it.
 */
export const coffeeDeclaration = (over: Partial<TradeDeclaration> = {}): TradeDeclaration => ({
  id: 'd0',
  ts: Date.UTC(2026, 2, 2, 8),
  exporter_id: 'E1',
  exporter_name: 'E SAS',
  hs_code: '0901119000',
  port: 'COCTG',
  destination: 'US',
  transport_mode: 'sea',
  fob_usd: 40_000,
  net_kg: 10_000,
  gross_kg: 10_200,
  quantity: 10_000,
  unit: 'KGM',
  controlled: false,
  ...over,
});
