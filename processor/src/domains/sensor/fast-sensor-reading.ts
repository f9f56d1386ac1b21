import { MAX_CHANNELS_PER_STATION, type SensorReading } from '../../../../contracts/index.ts';

// The rules of contracts/sensor-reading.ts, written out for the common case. zod's safeParse was
// ~10 % of the processor's main thread per reading (docs/perf/sensor-2026-12-07.md); this check
// costs a fraction of it. It only ever *accepts*: anything it is not sure of goes to zod, which
// then decides and words the reason, so accept/reject and the reasons stay zod's
// (fast-sensor-reading.fuzz.test.ts compares both on fuzzed input, including the output's keys).
const STATION = /^[A-Za-z0-9_-]{1,64}$/;
const CHANNEL = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_TS = 8_640_000_000_000;

/**
 * A parsed JSON value as SensorReading exactly as `SensorReading.parse` would give it (unknown
 * keys dropped, keys in the schema's order, channels in the message's order), or undefined when
 * it is not plainly valid: then zod must decide.
 */
export function fastSensorReading(json: unknown): SensorReading | undefined {
  if (!isPlainObject(json)) return undefined;
  const { id, station, ts, channels, truth } = json as Record<string, unknown>;
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
  if (typeof station !== 'string' || !STATION.test(station)) return undefined;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TS) return undefined;
  const ch = fastChannels(channels);
  if (ch === undefined) return undefined;
  if (truth === undefined) return 'truth' in json ? undefined : { id, station, ts, channels: ch };
  if (truth === null) return { id, station, ts, channels: ch, truth: null };
  if (!isPlainObject(truth)) return undefined;
  const { kind, faultId, channel } = truth as Record<string, unknown>;
  if (typeof kind !== 'string' || kind.length < 1 || kind.length > 40) return undefined;
  if (typeof faultId !== 'string' || faultId.length < 1 || faultId.length > 80) return undefined;
  if (channel === undefined) return 'channel' in truth ? undefined : { id, station, ts, channels: ch, truth: { kind, faultId } };
  if (typeof channel !== 'string' || channel.length > 64) return undefined;
  return { id, station, ts, channels: ch, truth: { kind, faultId, channel } };
}

/** A copy of the channels when every name and value is valid and there are 1…32 of them. */
function fastChannels(channels: unknown): Record<string, number> | undefined {
  if (!isPlainObject(channels)) return undefined;
  const out: Record<string, number> = {};
  let n = 0;
  for (const k in channels) {
    // for…in sees only enumerable string keys; JSON.parse makes nothing else, and no inherited ones.
    // zod's record passes over a `__proto__` key unchecked and leaves it out (it would replace
    // the result's prototype): so does this.
    if (k === '__proto__') continue;
    const v = (channels as Record<string, unknown>)[k];
    if (!CHANNEL.test(k) || typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    if (++n > MAX_CHANNELS_PER_STATION) return undefined;
    out[k] = v;
  }
  return n === 0 ? undefined : out;
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
