// NYC TLC yellow-taxi fare rules as the simulator applies them (pure). Sources: TLC "Taxi Fare"
// page and the rate increase effective 2022-12-19 (initial charge $3.00, 70¢ units, $70 JFK
// flat fare, $2.50 rush hour / $1.00 overnight, $1.00 improvement surcharge), the NY State
// congestion surcharge (2019-02-02, $2.50 yellow), the airport access fee ($1.75, LGA/JFK
// pickups) and the MTA Congestion Relief Zone fee for taxi trips (2025-01-05, $0.75).
// Simplifications: no holidays (rush hour applies every weekday), no Newark or Nassau rates
// (the simulator generates none), "passes through" the zones is approximated by "starts or ends".

/** The values used, USD unless noted; valid for trips from 2025-01-05. */
export const FARE_RULES = {
  effective: '2025-01-05',
  initialCharge: 3.0,
  /** Per 1/5 mile while the cab moves faster than slowThresholdMph. */
  perFifthMile: 0.7,
  /** Per 60 seconds in slow traffic (at or below slowThresholdMph) or stopped. */
  perSlowMinute: 0.7,
  slowThresholdMph: 12,
  mtaTax: 0.5,
  improvementSurcharge: 1.0,
  /** 20:00–06:00 local, metered trips. */
  overnightSurcharge: 1.0,
  /** 16:00–20:00 local on weekdays, metered trips. */
  rushHourSurcharge: 2.5,
  /** Trips starting or ending in Manhattan south of 96th Street. */
  congestionSurcharge: 2.5,
  /** Pickups at LGA or JFK. */
  airportAccessFee: 1.75,
  /** Trips starting or ending in Manhattan south of 60th Street. */
  cbdCongestionFee: 0.75,
  /** JFK ↔ Manhattan, either direction (RatecodeID 2), replaces the meter. */
  jfkFlatFare: 70,
  /** Added to the JFK flat fare 16:00–20:00 on weekdays (instead of the $2.50 rush surcharge). */
  jfkFlatRushSurcharge: 5,
  /** E-ZPass toll of the East River tunnels / RFK bridge (MTA, 2023-08-06), charged by some airport runs. */
  eastRiverToll: 6.94,
} as const;

/** Cents, half up; money in the records never has more than two decimals. */
export function cents(usd: number): number {
  return Math.round(usd * 100 + 1e-9) / 100;
}

/**
 * The meter's time-and-distance fare: initial charge plus one 70¢ unit per complete 1/5 mile
 * driven above 12 mph and per complete minute at or below it.
 */
export function meterFare(fastMiles: number, slowMinutes: number): number {
  const units = Math.floor(Math.max(0, fastMiles) * 5 + 1e-9) + Math.floor(Math.max(0, slowMinutes) + 1e-9);
  return cents(FARE_RULES.initialCharge + units * FARE_RULES.perFifthMile);
}

const SLOW_MPH = 4;

/**
 * Split a trip of `miles` in `minutes` into slow-traffic minutes and fast miles, modelling it
 * as crawling at 4 mph and cruising at a faster speed so both totals match.
 */
export function splitSlowFast(miles: number, minutes: number): { slowMinutes: number; fastMiles: number } {
  if (minutes <= 0) return { slowMinutes: 0, fastMiles: miles };
  const mph = (miles / minutes) * 60;
  if (mph <= SLOW_MPH) return { slowMinutes: minutes, fastMiles: 0 };
  const cruise = Math.max(18, Math.min(45, mph * 1.15));
  if (mph >= cruise) return { slowMinutes: 0, fastMiles: miles };
  const slowMinutes = (minutes * (cruise - mph)) / (cruise - SLOW_MPH);
  return { slowMinutes, fastMiles: Math.max(0, miles - (slowMinutes * SLOW_MPH) / 60) };
}
