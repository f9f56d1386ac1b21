/**
 * The trip core alone (decode → windows → scorers → rows; no NATS, no store, no ONNX): CPU per
 * trip and a SHA-256 of every row it makes, so a speed change can be checked for identical output.
 *
 *   node --import tsx bench/probes/trip-core-bench.ts [--hours 30] [--measure-from 24] [--scale 0.02] [--batch 2000]
 *
 * Trips of the first `--measure-from` hours warm the state up unmeasured (the demand scorer's
 * steady state starts on day 2); CPU is counted from there to `--hours`. The hash covers all
 * hours. Prints trips, CPU ms per trip (and its ingest and score parts), trips per CPU-second,
 * cell rows scored and stored per measured trip, the load average and the hash.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, partitionOf, TRIP_REGION } from '../../contracts/index.ts';
import { ProcessorConfig } from '../../config/schema.ts';
import { createTripSimulation } from '../../producers/src/trip/index.ts';
import type { RawEvent } from '../../processor/src/core/raw-event.ts';
import { createTripScoring } from '../../processor/src/domains/trip/create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from '../../processor/src/domains/trip/trip-batch.ts';

const { values: a } = parseArgs({ options: { hours: { type: 'string', default: '30' }, 'measure-from': { type: 'string', default: '24' }, scale: { type: 'string', default: '0.02' }, batch: { type: 'string', default: '2000' } } });
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 10, 4);
const PARTITIONS = 4;
const HOME = partitionOf(TRIP_REGION, PARTITIONS);
const defaults = ProcessorConfig.parse({});
const enc = new TextEncoder();

const sim = createTripSimulation({ startTs: T0, seed: 1, scale: Number(a.scale) });
const core = new TripBatchProcessor({
  runId: 'core-bench',
  ...createTripScoring(),
  bands: DEFAULT_SEVERITY_BANDS,
  maxFutureMs: defaults.maxFutureMs,
  allowedLatenessMs: defaults.tripAllowedLatenessMs,
  partitionCount: PARTITIONS,
  featureRows: false,
});
const hash = createHash('sha256');
let seq = 0;
let measuredTrips = 0;
let cpuUs = 0;
let ingestUs = 0;
let cellRows = 0;
let measuredScored = 0;
let measuredStored = 0;
for (let h = 1; h <= Number(a.hours); h++) {
  const trips = sim.nextBatch(T0 + h * HOUR);
  const raw: RawEvent[] = trips.map((t) => ({ subject: `events.trip.${HOME}.nyc`, seq: ++seq, partition: HOME, data: enc.encode(JSON.stringify(t)) }));
  const measured = h > Number(a['measure-from']);
  for (let i = 0; i < raw.length; i += Number(a.batch)) {
    const batch = raw.slice(i, i + Number(a.batch));
    const nowMs = T0 + h * HOUR;
    const c0 = process.cpuUsage();
    const stage = core.ingest(batch, nowMs);
    const ci = process.cpuUsage(c0);
    const r = core.score(stage, NO_MODEL_OUTPUTS(stage), nowMs);
    const c = process.cpuUsage(c0);
    if (measured) {
      cpuUs += c.user + c.system;
      ingestUs += ci.user + ci.system;
      measuredTrips += batch.length;
      measuredScored += stage.cellRows.length;
      measuredStored += r.rows.cellWindows.length;
    }
    cellRows += r.rows.cellWindows.length;
    hash.update(JSON.stringify(r.rows));
    hash.update(JSON.stringify(r.anomalies));
    hash.update(JSON.stringify(r.boundaries));
  }
}
console.log(
  JSON.stringify({
    trips: measuredTrips,
    cpuMsPerTrip: +(cpuUs / 1000 / measuredTrips).toFixed(4),
    ingestMsPerTrip: +(ingestUs / 1000 / measuredTrips).toFixed(4),
    scoreMsPerTrip: +((cpuUs - ingestUs) / 1000 / measuredTrips).toFixed(4),
    cellRowsScoredPerTrip: +(measuredScored / measuredTrips).toFixed(2),
    cellRowsStoredPerTrip: +(measuredStored / measuredTrips).toFixed(2),
    tripsPerCpuS: Math.round(measuredTrips / (cpuUs / 1e6)),
    cellRowsStored: cellRows,
    load: loadavg().map((x) => +x.toFixed(2)),
    sha256: hash.digest('hex'),
  }),
);
