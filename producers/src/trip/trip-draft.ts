// A trip before it becomes a TripEvent: the physical facts the anomaly overlay may bend, then
// priced by the fare rules. Keeping the two steps apart is what makes "fare follows the rules"
// checkable: only `fareMultiplier` (overcharge) breaks it.
import type { PaymentType, TripEvent, TripTruth, TripVendor } from '../../../contracts/index.ts';
import { cents } from './fare-rules.ts';
import { priceTrip, totalOf } from './trip-pricing.ts';

export interface TripDraft {
  id: string;
  vendor: TripVendor;
  pickupTs: number;
  /** Whole seconds. */
  durationSec: number;
  pickupLat: number;
  pickupLng: number;
  dropoffLat: number;
  dropoffLng: number;
  /** Meter miles, two decimals. */
  miles: number;
  passengers: number;
  paymentType: PaymentType;
  tipFraction: number;
  tolls: number;
  /** 1 for honest meters; > 1 for an injected overcharge. */
  fareMultiplier: number;
  truth: TripTruth | null;
}

export function draftToEvent(d: TripDraft): TripEvent {
  const a = priceTrip({
    pickupTs: d.pickupTs,
    pickupLat: d.pickupLat,
    pickupLng: d.pickupLng,
    dropoffLat: d.dropoffLat,
    dropoffLng: d.dropoffLng,
    miles: d.miles,
    minutes: d.durationSec / 60,
    paymentType: d.paymentType,
    tipFraction: d.tipFraction,
    tolls: d.tolls,
  });
  if (d.fareMultiplier !== 1) {
    a.fare_amount = cents(a.fare_amount * d.fareMultiplier);
    a.tip_amount = d.paymentType === 1 ? cents(d.tipFraction * (a.fare_amount + a.extra)) : 0;
    a.total_amount = totalOf(a);
  }
  return {
    id: d.id,
    vendor: d.vendor,
    pickup_ts: d.pickupTs,
    dropoff_ts: d.pickupTs + d.durationSec * 1000,
    pickup_lat: d.pickupLat,
    pickup_lng: d.pickupLng,
    dropoff_lat: d.dropoffLat,
    dropoff_lng: d.dropoffLng,
    passenger_count: d.passengers,
    trip_distance: d.miles,
    payment_type: d.paymentType,
    ...a,
    truth: d.truth,
  };
}
