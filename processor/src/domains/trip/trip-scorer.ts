/**
 * Per-trip anomaly score: is this record an overcharge, a physically impossible trip, or a
 * detour? Three kinds of evidence, each an equivalent |z| on the shared 0–100 scale:
 *
 *   fare       the expected-fare model's calibrated score when one is loaded; without it, the
 *              meter model (meter-fare-model.ts: online robust fare per mile and minute), as a
 *              robust z of ln(fare / expected). Upward only: undercharging is nobody's alarm.
 *   impossible physics, no learning: an average speed above `maxMph` (no NYC taxi averages
 *              that over a trip), or a straight line between pickup and dropoff longer than
 *              `maxStraightOverMeter` × the metered miles (+ `gpsSlackMi`): the meter cannot
 *              have covered it, the GPS jumped. Both scale linearly: the bound itself scores
 *              the alarm, twice the bound ~ 97.
 *   detour     detour_ratio = metered miles / straight-line miles against what is normal for
 *              that straight-line distance (short hops always look roundabout), learnt online
 *              per distance band as a robust z of ln(ratio) (median and IQR of an exponentially
 *              weighted histogram). Upward only, and only when the extra distance is real
 *              (≥ `minDetourExtraMi` beyond the usual ratio: a same-block hop metered at the
 *              minimum is no detour).
 *
 * The score is the strongest evidence. The kind is the first of impossible → detour → fare
 * that reaches the alarm: a physical inconsistency explains everything else (a 400-mph record
 * also has an absurd detour ratio), and a detour explains a fare that a location-aware model
 * finds high while the meter model finds it right for the miles driven. Below the alarm the
 * kind is what the strongest evidence points to, when it is at least `kindFrom`.
 *
 * Warm-up: the learnt parts stay below the alarm until they have seen enough trips (the fare
 * model `minTrips`, each distance band `minBandTrips`); physics needs none.
 * Learning skips what it judged anomalous (the spread of normal stays normal). Causal: a trip
 * is scored with what the trips before it taught, then learnt from.
 */
import type { AnomalyDriver, TripEvent } from '../../../../contracts/index.ts';
import { checkOption, fmt } from '../../core/component.ts';
import { createScoreScale } from '../../core/score-scale.ts';
import { EwHistogram, type EwHistogramState } from './ew-histogram.ts';
import { MeterFareModel, type MeterFareOptions, type MeterFareState } from './meter-fare-model.ts';
import { TRIP_FARE_FEATURES } from './trip-fare-features.ts';

export type TripLevelKind = 'overcharge' | 'impossible' | 'detour';

export interface TripVerdict {
  /** 0–100 (minor ≥ 70). */
  score: number;
  /** What the evidence points to (null when nothing stands out). */
  kind: TripLevelKind | null;
  /** Strongest first, with value, expected and reason. */
  drivers: AnomalyDriver[];
}

export interface TripScorerOptions {
  /** Score at and above which a trip is an anomaly. @default 70 */
  alarm: number;
  /** Average speed (mph) that scores the alarm: no NYC taxi averages more over a trip. @default 75 */
  maxMph: number;
  /** Straight-line miles per metered mile that score the alarm (the meter cannot do less than the straight line). @default 1.5 */
  maxStraightOverMeter: number;
  /** GPS and rounding slack added to the metered miles, miles. @default 0.5 */
  gpsSlackMi: number;
  /** Upper edges of the straight-line distance bands of the detour model, miles. @default [0.1, 0.25, 0.5, 1, 2, 4, 8] */
  detourBandsMi: number[];
  /** Extra metered miles (beyond the usual ratio × straight line) a detour must add to alarm. @default 0.5 */
  minDetourExtraMi: number;
  /** Trips a distance band must have seen before its detours can alarm. @default 50 */
  minBandTrips: number;
  /** Floor of the robust sd of ln(detour ratio). @default 0.05 */
  minDetourSd: number;
  /** Memory of the detour bands, trips per band. @default 5000 */
  detourMemoryTrips: number;
  /** Lowest score for which a kind is named below the alarm. @default 50 */
  kindFrom: number;
  /**
   * Score from which every driver gets a reason in words; below, only the top driver, tersely
   * (as the cell-demand scorer does). Nearly every trip is ordinary, and its five worded reasons
   * were most of its stored bytes and a good part of its CPU. @default 40
   */
  explainFrom: number;
  /** The meter model (fallback of the fare regressor). */
  meter: Partial<MeterFareOptions>;
}

export const DEFAULT_TRIP_SCORER: Readonly<Omit<TripScorerOptions, 'meter'>> = Object.freeze({
  alarm: 70,
  maxMph: 75,
  maxStraightOverMeter: 1.5,
  gpsSlackMi: 0.5,
  detourBandsMi: [0.1, 0.25, 0.5, 1, 2, 4, 8],
  minDetourExtraMi: 0.5,
  minBandTrips: 50,
  minDetourSd: 0.05,
  detourMemoryTrips: 5000,
  kindFrom: 50,
  explainFrom: 40,
});

const I = (name: (typeof TRIP_FARE_FEATURES)[number]) => TRIP_FARE_FEATURES.indexOf(name);
const DISTANCE = I('trip_distance');
const DURATION = I('duration_min');
const STRAIGHT = I('straight_line_mi');
const RATIO = I('detour_ratio');
const SPEED = I('speed_mph');

const STATE_FORMAT = 'vigia.trip-scorer-state';
const STATE_VERSION = 1;

export class TripScorer {
  readonly options: TripScorerOptions;
  readonly meter: MeterFareModel;
  readonly #bands: EwHistogram[];
  readonly #zAlarm: number;
  readonly #scale = createScoreScale();

  constructor(opts: Partial<TripScorerOptions> = {}) {
    const o: TripScorerOptions = { ...DEFAULT_TRIP_SCORER, meter: {}, ...opts };
    checkOption('tripScorer', 'alarm', o.alarm, 0, 100, false);
    checkOption('tripScorer', 'maxMph', o.maxMph, 0, 1e4, false);
    checkOption('tripScorer', 'maxStraightOverMeter', o.maxStraightOverMeter, 0, 100, false);
    checkOption('tripScorer', 'gpsSlackMi', o.gpsSlackMi, 0, 100);
    checkOption('tripScorer', 'kindFrom', o.kindFrom, 0, 100);
    checkOption('tripScorer', 'explainFrom', o.explainFrom, 0, 100);
    this.options = o;
    this.meter = new MeterFareModel(o.meter);
    this.#bands = Array.from({ length: o.detourBandsMi.length + 1 }, () => new EwHistogram(-3, 5, 800, 1 / o.detourMemoryTrips));
    this.#zAlarm = this.#scale.toSurprise(o.alarm);
  }

  /**
   * Score one trip. `fareFeatures` is its trip-fare@1 vector; `expectedFare` and `fareScore`
   * come from the expected-fare model (fareScore 0–100 from its residual calibration), both
   * null without a model. Learns from the trip after scoring it.
   */
  score(t: TripEvent, fareFeatures: Float64Array, expectedFare: number | null, fareScore: number | null): TripVerdict {
    const o = this.options;
    const miles = fareFeatures[DISTANCE]!;
    const minutes = fareFeatures[DURATION]!;
    const straight = fareFeatures[STRAIGHT]!;
    const ratio = fareFeatures[RATIO]!;
    const speed = fareFeatures[SPEED]!;
    // Reasons are worded only when the score asks for them (explainFrom): `why` says how.
    const drivers: AnomalyDriver[] = [];
    const why: (() => string)[] = [];
    const push = (d: Omit<AnomalyDriver, 'reason'>, reason: () => string) => {
      (d as AnomalyDriver).reason = '';
      why.push(reason);
      drivers.push(d as AnomalyDriver);
    };
    const toScore = (z: number) => this.#scale.toScore(z);

    // Impossible: physics.
    const zSpeed = (this.#zAlarm * speed) / o.maxMph;
    const straightBound = o.maxStraightOverMeter * (miles + o.gpsSlackMi);
    const zJump = (this.#zAlarm * straight) / straightBound;
    const speedScore = toScore(zSpeed);
    const jumpScore = toScore(zJump);
    push({ feature: 'speed_mph', score: speedScore, value: speed, expected: o.maxMph }, () => `average ${fmt(speed)} mph over ${fmt(miles)} mi in ${fmt(minutes)} min (no taxi averages ${fmt(o.maxMph)})`);
    push({ feature: 'straight_line_mi', score: jumpScore, value: straight, expected: miles }, () => `pickup and dropoff ${fmt(straight)} mi apart in a straight line, the meter drove ${fmt(miles)} mi`);
    const impossibleScore = Math.max(speedScore, jumpScore);

    // Detour: ratio against its distance band.
    const band = this.#bands[this.#band(straight)]!;
    let detourScore = 0;
    let zDetour = 0;
    let detourExpected: number | null = null;
    if (band.count > 0) {
      const { median, sd } = band.centre();
      detourExpected = Math.exp(median);
      zDetour = (Math.log(Math.max(ratio, 1e-6)) - median) / Math.max(sd, o.minDetourSd);
      detourScore = toScore(zDetour);
      // Same-block hops have huge ratios (minimum meter distance, GPS precision): a detour
      // must also cost real distance.
      if (band.count < o.minBandTrips || miles - detourExpected * straight < o.minDetourExtraMi) detourScore = Math.min(detourScore, o.alarm - 1);
    }
    push({ feature: 'detour_ratio', score: detourScore, value: ratio, expected: detourExpected }, () =>
      detourExpected === null ? 'no trips of this straight-line distance seen yet (warm-up)' : `${fmt(miles)} metered mi for ${fmt(straight)} mi in a straight line: ${fmt(ratio)}× where ${fmt(detourExpected)}× is usual`,
    );

    // Fare: the model when loaded, the meter model otherwise (always computed: it is also the
    // explanation a model-less operator gets).
    const meter = this.meter.judge(t.rate_code, miles, minutes, t.fare_amount);
    let meterScore = meter.warm ? toScore(meter.z) : 0;
    if (!meter.warm) meterScore = 0;
    let fareScoreUsed: number;
    if (fareScore !== null && Number.isFinite(fareScore)) {
      fareScoreUsed = Math.min(100, Math.max(0, fareScore));
      push({ feature: 'fare_residual', score: fareScoreUsed, value: t.fare_amount, expected: expectedFare }, () => `fare $${fmt(t.fare_amount)} where the fare model expects $${expectedFare === null ? '?' : fmt(expectedFare)}`);
      push({ feature: 'fare_per_mile_minute', score: meterScore, value: t.fare_amount, expected: meter.expected }, () => this.#meterReason(t.fare_amount, meter.expected, miles, minutes));
    } else {
      fareScoreUsed = meterScore;
      push({ feature: 'fare_residual', score: meterScore, value: t.fare_amount, expected: meter.expected }, () => this.#meterReason(t.fare_amount, meter.expected, miles, minutes));
    }

    const score = Math.max(impossibleScore, detourScore, fareScoreUsed);
    let kind: TripLevelKind | null = null;
    if (impossibleScore >= o.alarm) kind = 'impossible';
    else if (detourScore >= o.alarm) kind = 'detour';
    else if (fareScoreUsed >= o.alarm) kind = 'overcharge';
    else if (score >= o.kindFrom) kind = score === impossibleScore ? 'impossible' : score === detourScore ? 'detour' : 'overcharge';
    if (score >= o.explainFrom) drivers.forEach((d, i) => (d.reason = why[i]!()));
    drivers.sort((a, b) => b.score - a.score);
    // Below explainFrom, only the strongest driver (the row's top_feature), without words.
    if (score < o.explainFrom) drivers.length = 1;

    // Learn (skipping what looks anomalous, so the spread of normal stays normal).
    const physicallyOdd = impossibleScore >= o.alarm;
    if (!physicallyOdd) {
      if (detourScore < o.alarm && straight > 0) band.add(Math.log(Math.max(ratio, 1e-6)));
      this.meter.learn(t.rate_code, miles, minutes, t.fare_amount, meterScore >= o.alarm);
    }
    return { score, kind, drivers };
  }

  #meterReason(fare: number, expected: number | null, miles: number, minutes: number): string {
    if (expected === null) return 'the meter model has not seen enough trips yet (warm-up)';
    return `fare $${fmt(fare)} where the meter gives ~$${fmt(expected)} for ${fmt(miles)} mi and ${fmt(minutes)} min (${fmt(fare / Math.max(expected, 0.01))}×)`;
  }

  #band(straight: number): number {
    const edges = this.options.detourBandsMi;
    let i = 0;
    while (i < edges.length && straight >= edges[i]!) i++;
    return i;
  }

  captureState(): TripScorerState {
    return { format: STATE_FORMAT, version: STATE_VERSION, meter: this.meter.captureState(), bands: this.#bands.map((b) => b.captureState()) };
  }

  restoreState(s: unknown): void {
    const st = s as Partial<TripScorerState> | null;
    if (!st || st.format !== STATE_FORMAT || st.version !== STATE_VERSION || !st.meter || !Array.isArray(st.bands)) throw new RangeError(`not a ${STATE_FORMAT} v${STATE_VERSION} snapshot`);
    if (st.bands.length !== this.#bands.length) throw new RangeError(`trip scorer state has ${st.bands.length} distance bands, this scorer ${this.#bands.length}`);
    this.meter.restoreState(st.meter);
    st.bands.forEach((b, i) => this.#bands[i]!.restoreState(b));
  }
}

export interface TripScorerState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  meter: MeterFareState;
  bands: EwHistogramState[];
}
