// What the simulated exporters trade: HS subheadings with a realistic FOB unit value (USD per
// net kg, the median of Colombian export statistics' order of magnitude), its spread, the unit
// customs declares the quantity in, a typical shipment size, how it travels and its season;
// the customs ports by mode; destination countries by weight of trade. Controlled subheadings
// are the chemical precursors Colombia licenses under yearly quotas.
import type { TradeUnit, TransportMode } from '../../../contracts/index.ts';

export interface SubheadingSpec {
  code: string;
  name: string;
  /** Median FOB USD per net kg. */
  uvUsdPerKg: number;
  /** Spread of log(unit value) between declarations (natural log units). */
  sigma: number;
  unit: TradeUnit;
  /** Net kg per unit of quantity, for the units that are not masses. */
  kgPerUnit?: number;
  /** Median net kg of one declaration. */
  lotKg: number;
  modes: readonly TransportMode[];
  /** Relative share of companies trading it. */
  weight: number;
  /** Month (0–11) of the seasonal peak, and its amplitude (0 = flat). */
  peakMonth: number;
  season: number;
  controlled?: true;
}

export const SUBHEADINGS: readonly SubheadingSpec[] = [
  { code: '090111', name: 'coffee, not roasted', uvUsdPerKg: 4.6, sigma: 0.1, unit: 'KGM', lotKg: 19_200, modes: ['sea'], weight: 10, peakMonth: 10, season: 0.25 },
  { code: '060311', name: 'roses, cut', uvUsdPerKg: 5.8, sigma: 0.15, unit: 'NAR', kgPerUnit: 0.045, lotKg: 900, modes: ['air'], weight: 6, peakMonth: 1, season: 0.4 },
  { code: '060319', name: 'other cut flowers', uvUsdPerKg: 4.2, sigma: 0.15, unit: 'NAR', kgPerUnit: 0.035, lotKg: 700, modes: ['air'], weight: 5, peakMonth: 4, season: 0.35 },
  { code: '080390', name: 'bananas, fresh', uvUsdPerKg: 0.46, sigma: 0.08, unit: 'KGM', lotKg: 21_000, modes: ['sea'], weight: 4, peakMonth: 3, season: 0.1 },
  { code: '080440', name: 'avocados, fresh', uvUsdPerKg: 2.1, sigma: 0.12, unit: 'KGM', lotKg: 18_000, modes: ['sea'], weight: 4, peakMonth: 9, season: 0.3 },
  { code: '270900', name: 'crude petroleum oils', uvUsdPerKg: 0.52, sigma: 0.06, unit: 'TNE', lotKg: 40_000_000, modes: ['sea', 'pipeline'], weight: 0.6, peakMonth: 0, season: 0 },
  { code: '270112', name: 'bituminous coal', uvUsdPerKg: 0.11, sigma: 0.08, unit: 'TNE', lotKg: 60_000_000, modes: ['sea'], weight: 0.5, peakMonth: 0, season: 0 },
  { code: '710812', name: 'gold, unwrought', uvUsdPerKg: 62_000, sigma: 0.04, unit: 'GRM', lotKg: 25, modes: ['air'], weight: 1, peakMonth: 0, season: 0 },
  { code: '710391', name: 'emeralds, worked', uvUsdPerKg: 900_000, sigma: 0.45, unit: 'CTM', lotKg: 0.4, modes: ['air'], weight: 0.6, peakMonth: 11, season: 0.2 },
  { code: '180100', name: 'cocoa beans', uvUsdPerKg: 2.9, sigma: 0.1, unit: 'KGM', lotKg: 12_500, modes: ['sea'], weight: 2, peakMonth: 5, season: 0.2 },
  { code: '170114', name: 'cane sugar, raw', uvUsdPerKg: 0.55, sigma: 0.08, unit: 'TNE', lotKg: 500_000, modes: ['sea'], weight: 1, peakMonth: 7, season: 0.15 },
  { code: '151110', name: 'crude palm oil', uvUsdPerKg: 1.0, sigma: 0.08, unit: 'KGM', lotKg: 300_000, modes: ['sea'], weight: 1.5, peakMonth: 4, season: 0.15 },
  { code: '390120', name: 'polyethylene, density ≥ 0.94', uvUsdPerKg: 1.35, sigma: 0.1, unit: 'KGM', lotKg: 24_000, modes: ['sea', 'road'], weight: 3, peakMonth: 0, season: 0 },
  { code: '390210', name: 'polypropylene', uvUsdPerKg: 1.25, sigma: 0.1, unit: 'KGM', lotKg: 24_000, modes: ['sea', 'road'], weight: 3, peakMonth: 0, season: 0 },
  { code: '300490', name: 'medicaments, dosed', uvUsdPerKg: 34, sigma: 0.3, unit: 'NAR', kgPerUnit: 0.12, lotKg: 1_500, modes: ['air', 'sea', 'road'], weight: 3, peakMonth: 0, season: 0 },
  { code: '330499', name: 'beauty and make-up preparations', uvUsdPerKg: 14, sigma: 0.25, unit: 'NAR', kgPerUnit: 0.15, lotKg: 2_000, modes: ['air', 'road', 'sea'], weight: 3, peakMonth: 10, season: 0.15 },
  { code: '610910', name: 'cotton T-shirts, knitted', uvUsdPerKg: 21, sigma: 0.2, unit: 'NAR', kgPerUnit: 0.2, lotKg: 800, modes: ['air', 'sea'], weight: 3, peakMonth: 10, season: 0.2 },
  { code: '640399', name: 'footwear, leather uppers', uvUsdPerKg: 26, sigma: 0.2, unit: 'PR', kgPerUnit: 0.9, lotKg: 600, modes: ['air', 'sea'], weight: 2, peakMonth: 9, season: 0.15 },
  { code: '720260', name: 'ferro-nickel', uvUsdPerKg: 4.4, sigma: 0.1, unit: 'TNE', lotKg: 1_000_000, modes: ['sea'], weight: 0.3, peakMonth: 0, season: 0 },
  { code: '252329', name: 'portland cement', uvUsdPerKg: 0.07, sigma: 0.1, unit: 'TNE', lotKg: 30_000, modes: ['sea', 'road'], weight: 1.5, peakMonth: 0, season: 0 },
  { code: '701090', name: 'glass bottles and jars', uvUsdPerKg: 0.9, sigma: 0.12, unit: 'KGM', lotKg: 15_000, modes: ['road', 'sea'], weight: 1.5, peakMonth: 0, season: 0 },
  { code: '481910', name: 'cartons of corrugated paper', uvUsdPerKg: 1.4, sigma: 0.12, unit: 'KGM', lotKg: 10_000, modes: ['road', 'sea'], weight: 2, peakMonth: 0, season: 0 },
  { code: '170490', name: 'sugar confectionery', uvUsdPerKg: 3.2, sigma: 0.15, unit: 'KGM', lotKg: 8_000, modes: ['sea', 'road'], weight: 2.5, peakMonth: 9, season: 0.25 },
  { code: '870899', name: 'motor vehicle parts', uvUsdPerKg: 9, sigma: 0.3, unit: 'NAR', kgPerUnit: 2.5, lotKg: 3_000, modes: ['road', 'sea', 'air'], weight: 2, peakMonth: 0, season: 0 },
  { code: '380892', name: 'fungicides', uvUsdPerKg: 6.5, sigma: 0.15, unit: 'KGM', lotKg: 9_000, modes: ['sea', 'road'], weight: 1.5, peakMonth: 2, season: 0.2 },
  { code: '210111', name: 'coffee extracts', uvUsdPerKg: 16, sigma: 0.12, unit: 'KGM', lotKg: 6_000, modes: ['sea', 'air'], weight: 1.5, peakMonth: 10, season: 0.2 },
  // Chemical precursors under the Consejo Nacional de Estupefacientes' quotas.
  { code: '291411', name: 'acetone', uvUsdPerKg: 1.1, sigma: 0.1, unit: 'LTR', kgPerUnit: 0.79, lotKg: 16_000, modes: ['sea', 'road'], weight: 0.8, peakMonth: 0, season: 0, controlled: true },
  { code: '291412', name: 'butanone (MEK)', uvUsdPerKg: 1.35, sigma: 0.1, unit: 'LTR', kgPerUnit: 0.805, lotKg: 14_000, modes: ['sea', 'road'], weight: 0.6, peakMonth: 0, season: 0, controlled: true },
  { code: '290230', name: 'toluene', uvUsdPerKg: 0.95, sigma: 0.1, unit: 'LTR', kgPerUnit: 0.867, lotKg: 18_000, modes: ['sea', 'road'], weight: 0.6, peakMonth: 0, season: 0, controlled: true },
  { code: '280610', name: 'hydrochloric acid', uvUsdPerKg: 0.25, sigma: 0.12, unit: 'KGM', lotKg: 20_000, modes: ['road', 'sea'], weight: 0.5, peakMonth: 0, season: 0, controlled: true },
  { code: '280700', name: 'sulphuric acid', uvUsdPerKg: 0.15, sigma: 0.12, unit: 'KGM', lotKg: 22_000, modes: ['road', 'sea'], weight: 0.5, peakMonth: 0, season: 0, controlled: true },
  { code: '284161', name: 'potassium permanganate', uvUsdPerKg: 2.6, sigma: 0.12, unit: 'KGM', lotKg: 5_000, modes: ['sea', 'air'], weight: 0.3, peakMonth: 0, season: 0, controlled: true },
];

export interface PortSpec {
  code: string;
  name: string;
  modes: readonly TransportMode[];
}

export const PORTS: readonly PortSpec[] = [
  { code: 'COCTG', name: 'Cartagena', modes: ['sea'] },
  { code: 'COBAQ', name: 'Barranquilla', modes: ['sea', 'air'] },
  { code: 'COBUN', name: 'Buenaventura', modes: ['sea'] },
  { code: 'COSMR', name: 'Santa Marta', modes: ['sea'] },
  { code: 'COTRB', name: 'Turbo', modes: ['sea'] },
  { code: 'COCOV', name: 'Coveñas', modes: ['sea', 'pipeline'] },
  { code: 'COBOG', name: 'Bogotá El Dorado', modes: ['air'] },
  { code: 'COMDE', name: 'Medellín Rionegro', modes: ['air'] },
  { code: 'COCLO', name: 'Cali', modes: ['air'] },
  { code: 'COCUC', name: 'Cúcuta', modes: ['road'] },
  { code: 'COIPI', name: 'Ipiales', modes: ['road'] },
];

/** Destination country and its relative weight in Colombian exports. */
export const DESTINATIONS: readonly (readonly [string, number])[] = [
  ['US', 30], ['NL', 6], ['EC', 6], ['ES', 5], ['PE', 5], ['MX', 5], ['PA', 4], ['CN', 4], ['BR', 3], ['DE', 3], ['BE', 3], ['CL', 3],
  ['JP', 2], ['GB', 2], ['CA', 2], ['VE', 2], ['IT', 2], ['IN', 2], ['DO', 2], ['KR', 1], ['TR', 1], ['AW', 1], ['GT', 1], ['CR', 1],
];

/** Neighbours reachable by road from the border ports. */
export const ROAD_DESTINATIONS: Readonly<Record<string, readonly string[]>> = { COCUC: ['VE'], COIPI: ['EC', 'PE'] };
