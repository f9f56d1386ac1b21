import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from './rng.ts';
import { createEnvironment, dailyDemandShape, weeklyDemandFactor } from './signal-model.ts';

const MONDAY = Date.UTC(2024, 0, 1);

describe('demand rhythm', () => {
  it('is low at night and peaks at breakfast and dinner', () => {
    const night = dailyDemandShape(3);
    assert.ok(dailyDemandShape(7) > 1.5 * night);
    assert.ok(dailyDemandShape(19) > 1.5 * night);
    assert.ok(dailyDemandShape(13) < dailyDemandShape(7));
  });

  it('is lower at weekends', () => {
    for (const weekday of [1, 2, 3, 4, 5]) assert.equal(weeklyDemandFactor(weekday), 1);
    assert.ok(weeklyDemandFactor(6) < 1);
    assert.ok(weeklyDemandFactor(0) < 1);
  });
});

describe('createEnvironment', () => {
  it('derives UTC hour and weekday from event time', () => {
    const { step } = createEnvironment(createRng(1), 60_000);
    const env = step(MONDAY + 7.5 * 3_600_000);
    assert.equal(env.dayOfWeek, 1);
    assert.equal(env.hourOfDay, 7.5);
    assert.equal(step(Date.UTC(2024, 0, 6, 23, 59)).dayOfWeek, 6);
    assert.equal(step(Date.UTC(2024, 0, 7)).dayOfWeek, 0);
  });

  it('is warmer in the afternoon than before dawn on average', () => {
    const stepMs = 3_600_000;
    const { step } = createEnvironment(createRng(3), stepMs);
    let afternoon = 0;
    let dawn = 0;
    for (let h = 0; h < 24 * 60; h++) {
      const env = step(MONDAY + h * stepMs);
      if (env.hourOfDay === 15) afternoon += env.regionalTempC;
      if (env.hourOfDay === 3) dawn += env.regionalTempC;
    }
    assert.ok(afternoon / 60 > dawn / 60 + 4, `afternoon ${afternoon / 60} dawn ${dawn / 60}`);
  });
});
