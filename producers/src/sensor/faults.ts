// Injected faults: overlays on top of a station's normal values. Every draw comes from the
// station's own fault stream, so a run with faults has exactly the normal signal of the same
// seed without faults wherever no fault is active — that twin is what makes scoring honest.
import { SENSOR_FAULT_KINDS, type GroundTruth, type SensorFaultKind } from '../../../contracts/index.ts';
import type { Rng } from './rng.ts';
import { Ch, GAS_CHANNELS, type StationSpec } from './station-specs.ts';

const DAY_MS = 86_400_000;
// Online detectors need history before they can judge; keep the first hours clean.
const WARM_UP_MS = 6 * 3_600_000;
// Quiet ticks after an episode so two episodes never merge into one in the scoring.
const MIN_GAP_TICKS = 10;

/** Magnitudes and durations (ticks) of each fault kind; ranges are [min, max]. */
export const FAULT_PROFILE = {
  leak: { ticks: [30, 90], rampTicks: [3, 8], pressureDrop: [0.05, 0.15], flowRise: [0.2, 0.5] },
  stuck: { ticks: [20, 120] },
  spike: { ticks: [1, 3], sigmas: [6, 12] },
  drift: { ticks: [120, 480], finalSigmas: [4, 8] },
} as const;

interface Episode {
  kind: SensorFaultKind;
  faultId: string;
  /** Buffer index of the targeted channel; -1 when the fault moves several channels. */
  channel: number;
  startTick: number;
  endTick: number; // exclusive
  rampTicks: number;
  /** leak: pressure drop fraction; spike/drift: signed offset in channel units (final, for drift). */
  a: number;
  /** leak: flow rise fraction; stuck: the frozen value. */
  b: number;
}

export interface FaultInjector {
  /**
   * Start/advance/end episodes for `tick` and overlay the active one onto `values` (normal
   * signal, by Ch index). `last` holds the values published at the previous tick.
   * Returns the ground truth label for this reading, or null when it is unaffected.
   */
  apply(tick: number, values: Float64Array, last: Float64Array): GroundTruth | null;
}

export interface FaultInjectorOptions {
  /** Expected episodes started per station per simulated day. */
  faultRate: number;
  /** Event time between two ticks, ms. */
  stepMs: number;
}

function between(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng.next();
}

function intBetween(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + Math.floor((hi - lo + 1) * rng.next());
}

/** The fault overlay of one station; faultRate 0 never draws and never labels. */
export function createFaultInjector(spec: StationSpec, rng: Rng, opts: FaultInjectorOptions): FaultInjector {
  // Bernoulli per idle tick ≈ Poisson process at faultRate per day (slightly fewer episodes
  // than faultRate because busy and gap ticks cannot start one).
  const startProbability = Math.min(1, (opts.faultRate * opts.stepMs) / DAY_MS);
  const firstTick = Math.ceil(WARM_UP_MS / opts.stepMs);
  const channels = spec.channels.map((c) => Ch[c]);
  let active: Episode | null = null;
  let idleFrom = firstTick;

  const pickChannel = (): number => channels[Math.floor(rng.next() * channels.length)] ?? Ch.pressure;
  // Magnitudes are in noise sigmas so a fault is equally hard to see on every channel.
  const sigmaOf = (channel: number): number => spec.noiseSigma[GAS_CHANNELS[channel] ?? 'pressure'] ?? 0;

  const start = (tick: number, last: Float64Array): Episode => {
    const kind = SENSOR_FAULT_KINDS[Math.floor(rng.next() * SENSOR_FAULT_KINDS.length)] ?? 'spike';
    const ep: Episode = { kind, faultId: `${spec.id}:${kind}:${tick}`, channel: -1, startTick: tick, endTick: tick, rampTicks: 1, a: 0, b: 0 };
    const sign = rng.next() < 0.5 ? -1 : 1;
    switch (kind) {
      case 'leak': {
        const p = FAULT_PROFILE.leak;
        ep.endTick = tick + intBetween(rng, p.ticks);
        ep.rampTicks = intBetween(rng, p.rampTicks);
        ep.a = between(rng, p.pressureDrop);
        ep.b = between(rng, p.flowRise);
        break;
      }
      case 'stuck':
        ep.channel = pickChannel();
        ep.endTick = tick + intBetween(rng, FAULT_PROFILE.stuck.ticks);
        ep.b = last[ep.channel] ?? 0;
        break;
      case 'spike':
        ep.channel = pickChannel();
        ep.endTick = tick + intBetween(rng, FAULT_PROFILE.spike.ticks);
        ep.a = sign * between(rng, FAULT_PROFILE.spike.sigmas) * sigmaOf(ep.channel);
        break;
      case 'drift':
        ep.channel = pickChannel();
        ep.endTick = tick + intBetween(rng, FAULT_PROFILE.drift.ticks);
        ep.a = sign * between(rng, FAULT_PROFILE.drift.finalSigmas) * sigmaOf(ep.channel);
        break;
    }
    return ep;
  };

  return {
    apply(tick, values, last) {
      if (active !== null && tick >= active.endTick) {
        idleFrom = active.endTick + MIN_GAP_TICKS;
        active = null;
      }
      if (active === null) {
        if (startProbability === 0 || tick < idleFrom || rng.next() >= startProbability) return null;
        active = start(tick, last);
      }
      const ep = active;
      const k = tick - ep.startTick;
      switch (ep.kind) {
        case 'leak': {
          // Gas escaping downstream of the meter: the meter sees the extra outflow and the
          // network loses pressure; both ramp in together as the crack opens.
          const ramp = Math.min(1, (k + 1) / ep.rampTicks);
          values[Ch.pressure] = (values[Ch.pressure] ?? 0) * (1 - ep.a * ramp);
          values[Ch.flow] = (values[Ch.flow] ?? 0) * (1 + ep.b * ramp);
          return { kind: ep.kind, faultId: ep.faultId };
        }
        case 'stuck':
          values[ep.channel] = ep.b;
          break;
        case 'spike':
          // At most 12 sigma: small against normal pressure and flow, so never below zero.
          values[ep.channel] = (values[ep.channel] ?? 0) + ep.a;
          break;
        case 'drift': {
          const span = ep.endTick - ep.startTick;
          values[ep.channel] = (values[ep.channel] ?? 0) + (ep.a * (k + 1)) / span;
          break;
        }
      }
      return { kind: ep.kind, faultId: ep.faultId, channel: GAS_CHANNELS[ep.channel] };
    },
  };
}
