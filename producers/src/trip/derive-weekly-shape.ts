// One-off tool (not part of the simulation): derives NYC_WEEKLY_SHAPE from the NAB series.
//   node --import tsx producers/src/trip/derive-weekly-shape.ts ../shared/data/nab/realKnownCause/nyc_taxi.csv
// For each New York local half hour of week (Monday 00:00 = 0), take the median count over all
// weeks (the median ignores the marathon, Thanksgiving, Christmas, New Year and the January
// blizzard), then divide by the mean of the 336 medians so the shape averages 1.
import { nycHalfHourOfWeek } from '../../../contracts/index.ts';
import { readNycTaxiSeries } from './nyc-taxi-series.ts';

const path = process.argv[2] ?? '../shared/data/nab/realKnownCause/nyc_taxi.csv';
const series = readNycTaxiSeries(path);
const slots: number[][] = Array.from({ length: 336 }, () => []);
for (const p of series) slots[nycHalfHourOfWeek(p.ts)]!.push(p.count);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const medians = slots.map(median);
const meanOfMedians = medians.reduce((a, b) => a + b, 0) / 336;
const mean = series.reduce((a, p) => a + p.count, 0) / series.length;
const factors = medians.map((m) => (m / meanOfMedians).toFixed(3));
console.log(`// ${series.length} rows, ${new Date(series[0]!.ts).toISOString()} … ${new Date(series.at(-1)!.ts).toISOString()}`);
console.log(`export const NYC_TAXI_MEAN_HALF_HOUR_COUNT = ${Math.round(mean)};`);
console.log(`export const NYC_TAXI_MEDIAN_SHAPE_MEAN = ${Math.round(meanOfMedians)};`);
for (let d = 0; d < 7; d++) console.log(`  ${factors.slice(d * 48, d * 48 + 48).join(', ')},`);
