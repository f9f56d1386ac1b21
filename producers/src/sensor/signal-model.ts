// The normal (fault-free) behaviour of a gas distribution network. Demand drives everything:
// people heat and cook on a daily and weekly rhythm, and heat more when it is cold; the flow
// that meets that demand costs pressure on its way through the pipes.
import type { Rng } from './rng.ts';
import { Ch, type StationSpec } from './station-specs.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// A heating-season climate: the network matters most (and is most stressed) in winter.
const SEASON_MEAN_C = 4;
const DAILY_AMPLITUDE_C = 3;
// Warmest at 15:00, coldest at 03:00 (sinusoid with phase shifted 9 h from midnight).
const WARMEST_HOUR = 15;
// Fronts: a mean-reverting random walk (Ornstein–Uhlenbeck) with a few days' memory.
const WEATHER_SD_C = 5;
const WEATHER_MEMORY_DAYS = 2.5;
// Degree-day convention: below this outdoor temperature buildings start to need heat.
const HEATING_THRESHOLD_C = 16;

// Demand wobbles around its expected value for minutes to hours (AR(1), multiplicative);
// this is real consumption, so pressure follows it, unlike meter noise.
const DEMAND_WOBBLE_SD = 0.02;
const DEMAND_WOBBLE_MEMORY_MS = 30 * 60_000;
// The inlet (transmission side) sags a little when the station draws more.
const INLET_SAG_BAR = 0.15;
// Regulators cannot produce negative gauge pressure; keeps values physical in extreme cold.
const MIN_PRESSURE_BAR = 0.3;

/** Calendar and weather shared by all stations at one tick (mutated in place each tick). */
export interface NetworkEnvironment {
  /** Hour of day, UTC, fractional. */
  hourOfDay: number;
  /** 0 = Sunday … 6 = Saturday, UTC. */
  dayOfWeek: number;
  /** Regional outdoor temperature before station offsets, °C. */
  regionalTempC: number;
  /** Daily demand shape × weekly factor, dimensionless (≈1 on average on weekdays). */
  demandRhythm: number;
}

function bump(hour: number, centre: number, width: number): number {
  // Circular distance so a peak near midnight wraps into the next/previous day.
  let d = Math.abs(hour - centre);
  if (d > 12) d = 24 - d;
  return Math.exp(-0.5 * (d / width) ** 2);
}

/** Expected demand by hour of day, relative: low at night, peaks at breakfast and dinner. */
export function dailyDemandShape(hourOfDay: number): number {
  // Thermostats come on before breakfast and after work; homes are empty and the sun is out
  // at midday, and thermostats are set back at night. No separate midday bump: it would make
  // demand track the warm afternoon and mask the heating coupling.
  return 0.55 + 0.6 * bump(hourOfDay, 7, 1.6) + 0.45 * bump(hourOfDay, 19, 2.2);
}

/** Demand on this weekday relative to a working day: shops and offices close at weekends. */
export function weeklyDemandFactor(dayOfWeek: number): number {
  return dayOfWeek === 0 ? 0.8 : dayOfWeek === 6 ? 0.87 : 1;
}

/** Shared weather + calendar; step() advances one tick and refreshes `env`. */
export function createEnvironment(rng: Rng, stepMs: number) {
  const env: NetworkEnvironment = { hourOfDay: 0, dayOfWeek: 0, regionalTempC: SEASON_MEAN_C, demandRhythm: 1 };
  // Exact OU discretisation: stable for any step, stationary sd stays WEATHER_SD_C.
  const decay = Math.exp(-stepMs / (WEATHER_MEMORY_DAYS * DAY_MS));
  const innovation = WEATHER_SD_C * Math.sqrt(1 - decay * decay);
  // Start from the stationary distribution so there is no spin-up transient.
  let front = WEATHER_SD_C * rng.gaussian();
  let first = true;

  return {
    env,
    step(ts: number): NetworkEnvironment {
      if (first) first = false;
      else front = decay * front + innovation * rng.gaussian();
      const day = Math.floor(ts / DAY_MS);
      env.hourOfDay = (ts - day * DAY_MS) / HOUR_MS;
      env.dayOfWeek = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      const daily = DAILY_AMPLITUDE_C * Math.cos((2 * Math.PI * (env.hourOfDay - WARMEST_HOUR)) / 24);
      env.regionalTempC = SEASON_MEAN_C + front + daily;
      env.demandRhythm = dailyDemandShape(env.hourOfDay) * weeklyDemandFactor(env.dayOfWeek);
      return env;
    },
  };
}

/** One station's normal signal; step() writes this tick's values into `out` (by Ch index). */
export function createStationModel(spec: StationSpec, rng: Rng, stepMs: number) {
  // Memory in time, not ticks, so the demand looks the same whatever the sampling step.
  const wobblePhi = Math.exp(-stepMs / DEMAND_WOBBLE_MEMORY_MS);
  const wobbleInnovation = DEMAND_WOBBLE_SD * Math.sqrt(1 - wobblePhi * wobblePhi);
  const sigma = spec.noiseSigma;
  const sdP = sigma.pressure ?? 0;
  const sdT = sigma.temperature ?? 0;
  const sdF = sigma.flow ?? 0;
  const sdIn = sigma.inlet_pressure ?? 0;
  const inletBar = spec.inletPressureBar;
  let wobble = DEMAND_WOBBLE_SD * rng.gaussian();

  return {
    step(env: NetworkEnvironment, out: Float64Array): void {
      // Always draw the same gaussians in the same order: the fault overlay relies on the
      // normal signal being identical whatever happens elsewhere.
      wobble = wobblePhi * wobble + wobbleInnovation * rng.gaussian();
      const nT = rng.gaussian();
      const nF = rng.gaussian();
      const nP = rng.gaussian();

      const tempC = env.regionalTempC + spec.temperatureOffsetC;
      const heatingDegrees = Math.max(0, HEATING_THRESHOLD_C - tempC);
      // Heating multiplies the rhythm: people heat when they are home and awake.
      const relFlow = env.demandRhythm * (1 + spec.heatingPerDegree * heatingDegrees) * (1 + wobble);
      const flow = spec.demandScaleM3h * relFlow;
      // Friction loss in the pipe grows with the square of the flow (Darcy–Weisbach, turbulent).
      const drop = spec.pressureDropBar * relFlow * relFlow;

      out[Ch.temperature] = tempC + sdT * nT;
      out[Ch.flow] = Math.max(0, flow + sdF * nF);
      out[Ch.pressure] = Math.max(MIN_PRESSURE_BAR, spec.supplyPressureBar - drop + sdP * nP);
      if (inletBar !== null) out[Ch.inlet_pressure] = inletBar - INLET_SAG_BAR * relFlow + sdIn * rng.gaussian();
    },
  };
}
