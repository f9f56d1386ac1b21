// Prices one trip by FARE_RULES: meter or JFK flat fare, surcharges, tip, tolls, total.
import { airportAt, nycWallMs, type PaymentType, type RateCode } from '../../../contracts/index.ts';
import { cents, FARE_RULES as R, meterFare, splitSlowFast } from './fare-rules.ts';
import { CONGESTION_RELIEF_ZONE, inRing, MANHATTAN, SOUTH_OF_96TH } from './nyc-zones.ts';

export interface PricingInput {
  pickupTs: number;
  pickupLat: number;
  pickupLng: number;
  dropoffLat: number;
  dropoffLng: number;
  miles: number;
  minutes: number;
  paymentType: PaymentType;
  /** Tip as a fraction of fare + extra; recorded for card payments only. */
  tipFraction: number;
  tolls: number;
}

export interface TripAmounts {
  rate_code: RateCode;
  fare_amount: number;
  extra: number;
  mta_tax: number;
  tip_amount: number;
  tolls_amount: number;
  improvement_surcharge: number;
  congestion_surcharge: number;
  airport_fee: number;
  cbd_congestion_fee: number;
  total_amount: number;
}

const DAY_MS = 86_400_000;
const CBD_FEE_FROM = Date.UTC(2025, 0, 5, 5); // 2025-01-05 00:00 EST

/** Local hour (0–23) and weekday flag of an instant, New York time. */
export function localHour(ts: number): { hour: number; weekday: boolean } {
  const wall = nycWallMs(ts);
  const day = Math.floor(wall / DAY_MS);
  const dow = (((day + 4) % 7) + 7) % 7; // Sunday = 0
  return { hour: Math.floor((wall - day * DAY_MS) / 3_600_000), weekday: dow >= 1 && dow <= 5 };
}

/** Is this a JFK ↔ Manhattan trip (flat fare, RatecodeID 2)? */
export function isJfkManhattan(pLat: number, pLng: number, dLat: number, dLng: number): boolean {
  const p = airportAt(pLat, pLng);
  const d = airportAt(dLat, dLng);
  return (p === 'JFK' && inRing(MANHATTAN, dLat, dLng)) || (d === 'JFK' && inRing(MANHATTAN, pLat, pLng));
}

export function priceTrip(x: PricingInput): TripAmounts {
  const { hour, weekday } = localHour(x.pickupTs);
  const rush = weekday && hour >= 16 && hour < 20;
  const flat = isJfkManhattan(x.pickupLat, x.pickupLng, x.dropoffLat, x.dropoffLng);
  let fare: number;
  let extra: number;
  if (flat) {
    fare = R.jfkFlatFare;
    extra = rush ? R.jfkFlatRushSurcharge : 0;
  } else {
    const { slowMinutes, fastMiles } = splitSlowFast(x.miles, x.minutes);
    fare = meterFare(fastMiles, slowMinutes);
    extra = (hour >= 20 || hour < 6 ? R.overnightSurcharge : 0) + (rush ? R.rushHourSurcharge : 0);
  }
  const touches = (ring: Parameters<typeof inRing>[0]) => inRing(ring, x.pickupLat, x.pickupLng) || inRing(ring, x.dropoffLat, x.dropoffLng);
  const congestion = touches(SOUTH_OF_96TH) ? R.congestionSurcharge : 0;
  const cbd = x.pickupTs >= CBD_FEE_FROM && touches(CONGESTION_RELIEF_ZONE) ? R.cbdCongestionFee : 0;
  const airport = airportAt(x.pickupLat, x.pickupLng);
  const airportFee = airport === 'JFK' || airport === 'LGA' ? R.airportAccessFee : 0;
  const tip = x.paymentType === 1 ? cents(x.tipFraction * (fare + extra)) : 0;
  const tolls = cents(x.tolls);
  const a: TripAmounts = {
    rate_code: flat ? 2 : 1,
    fare_amount: fare,
    extra,
    mta_tax: R.mtaTax,
    tip_amount: tip,
    tolls_amount: tolls,
    improvement_surcharge: R.improvementSurcharge,
    congestion_surcharge: congestion,
    airport_fee: airportFee,
    cbd_congestion_fee: cbd,
    total_amount: 0,
  };
  a.total_amount = totalOf(a);
  return a;
}

/** Sum of the parts, rounded to cents (the contract's total_amount rule). */
export function totalOf(a: Omit<TripAmounts, 'rate_code' | 'total_amount'>): number {
  return cents(a.fare_amount + a.extra + a.mta_tax + a.tip_amount + a.tolls_amount + a.improvement_surcharge + a.congestion_surcharge + a.airport_fee + a.cbd_congestion_fee);
}
