import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectTlcLayout, TlcLayoutError } from './tlc-layout.ts';

const cols = (header: string, type = 'Nullable(String)') => header.split(',').map((name) => ({ name, type }));

test('2009 names (Trip_Pickup_DateTime, Start_Lon, Fare_Amt, surcharge)', () => {
  const l = detectTlcLayout(
    cols('vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt'),
  );
  assert.equal(l.location, 'coordinates');
  assert.equal(l.columns.pickup_time?.name, 'Trip_Pickup_DateTime');
  assert.equal(l.columns.pickup_lng?.name, 'Start_Lon');
  assert.equal(l.columns.dropoff_lat?.name, 'End_Lat');
  assert.equal(l.columns.extra?.name, 'surcharge');
  assert.equal(l.columns.total_amount?.name, 'Total_Amt');
  assert.equal(l.columns.vendor?.name, 'vendor_name');
  assert.equal(l.columns.rate_code?.name, 'Rate_Code');
  assert.equal(l.columns.improvement_surcharge, undefined);
});

test('2010–2014 names (pickup_datetime, vendor_id, rate_code) with a BOM and padded names', () => {
  const l = detectTlcLayout(cols('\uFEFFvendor_id, pickup_datetime,dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,rate_code,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,surcharge,mta_tax,tip_amount,tolls_amount,total_amount'));
  assert.equal(l.location, 'coordinates');
  assert.equal(l.columns.vendor?.name, '\uFEFFvendor_id');
  assert.equal(l.columns.pickup_time?.name, ' pickup_datetime');
});

test('2016+ zone ids; Airport_fee in either case; coordinates win when a file has both', () => {
  const z = detectTlcLayout(cols('VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,PULocationID,DOLocationID,RatecodeID,Airport_fee,cbd_congestion_fee'));
  assert.equal(z.location, 'zones');
  assert.equal(z.columns.pickup_zone?.name, 'PULocationID');
  assert.equal(z.columns.airport_fee?.name, 'Airport_fee');
  assert.equal(z.columns.rate_code?.name, 'RatecodeID');
  assert.equal(z.columns.pickup_lng, undefined);
  const both = detectTlcLayout(cols('tpep_pickup_datetime,tpep_dropoff_datetime,pickup_longitude,pickup_latitude,dropoff_longitude,dropoff_latitude,PULocationID,DOLocationID'));
  assert.equal(both.location, 'coordinates');
  assert.equal(both.columns.pickup_zone, undefined);
});

test('a file without times or places is refused, naming what is missing and what was found', () => {
  assert.throws(
    () => detectTlcLayout(cols('timestamp,value'), 'nyc_taxi.csv'),
    (e: unknown) => e instanceof TlcLayoutError && /nyc_taxi\.csv/.test(e.message) && /pickup time/.test(e.message) && /PULocationID/.test(e.message) && /found: timestamp, value/.test(e.message),
  );
  // Half a coordinate set is not enough.
  assert.throws(() => detectTlcLayout(cols('tpep_pickup_datetime,tpep_dropoff_datetime,pickup_longitude,pickup_latitude')), /locations/);
});
