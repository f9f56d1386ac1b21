// Public surface of the pure trip simulation and TLC record mapping (no I/O; readNycTaxiSeries
// lives in nyc-taxi-series.ts, the chDB file reader in ../trip-file-reader.ts).
export { createTripSimulation, TripSimulationOptionsError } from './trip-simulation.ts';
export type { TripSimulation, TripSimulationOptions } from './trip-simulation.ts';
export { listDemandEpisodes, planDemandDay, NYC_VENUES, EPISODE_RESOLUTION } from './demand-episodes.ts';
export type { DemandEpisode, DemandEpisodePlan } from './demand-episodes.ts';
export { createDemandCurve, weekAlignedShift, DemandSeriesError } from './demand-curve.ts';
export type { DemandCurve } from './demand-curve.ts';
export type { DemandPoint } from './demand-point.ts';
export { DEMAND_SLOT_MS } from './demand-point.ts';
export { NYC_WEEKLY_SHAPE, NYC_TAXI_MEAN_HALF_HOUR_COUNT } from './nyc-weekly-shape.ts';
export { NYC_HOT_SPOTS } from './hot-spots.ts';
export type { HotSpot } from './hot-spots.ts';
export { FARE_RULES, meterFare, splitSlowFast } from './fare-rules.ts';
export { priceTrip } from './trip-pricing.ts';
export { nycWallToUtc } from './nyc-wall-time.ts';
export { detectTlcLayout, TlcLayoutError, TLC_FIELD_COLUMNS } from './tlc-layout.ts';
export type { TlcLayout, TlcField, TlcColumn } from './tlc-layout.ts';
export { tlcRowToTrip, tlcIdPrefix, tlcVendor, tlcPaymentType } from './tlc-record.ts';
export type { TlcRow, TlcRowResult, TlcTripRecord } from './tlc-record.ts';
export { parseZoneCentroids, ZoneCentroidsError } from './taxi-zone-centroids.ts';
export type { ZoneCentroids } from './taxi-zone-centroids.ts';
