// The trip map's place in the URL: `#/trips/<resolution>/<cell>`, so a link or a reload shows
// the same resolution and the same selected cell.
import { getResolution, isValidCell } from 'h3-js';
import { TRIP_RESOLUTIONS, type TripResolution } from '../../../../contracts/index.ts';
import { routeHref } from '../../lib/route.ts';

export interface TripMapPlace {
  resolution: TripResolution;
  /** Selected H3 cell, at `resolution`. */
  cell: string | null;
}

/** @default resolution 8, no cell */
export const DEFAULT_TRIP_PLACE: TripMapPlace = Object.freeze({ resolution: 8, cell: null });

/**
 * Reads the route's arguments; anything unusable falls back to the default (a cell that is not
 * a valid H3 index of the resolution given is dropped, a bad resolution drops both).
 */
export function parseTripPlace(args: readonly string[]): TripMapPlace {
  const r = Number(args[0]);
  if (!(TRIP_RESOLUTIONS as readonly number[]).includes(r)) return DEFAULT_TRIP_PLACE;
  const resolution = r as TripResolution;
  const cell = args[1] && isValidCell(args[1]) && getResolution(args[1]) === resolution ? args[1] : null;
  return { resolution, cell };
}

/** The hash of a place, e.g. `#/trips/9/892a100d2dbffff`. */
export function tripPlaceHref(p: TripMapPlace): string {
  return p.cell ? routeHref('trips', String(p.resolution), p.cell) : routeHref('trips', String(p.resolution));
}
