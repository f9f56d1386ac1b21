import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeProgress } from './progress-health.ts';

const START = 1_000_000;
const STALL = 30_000;

test('events waiting and no commit for longer than the limit: stalled', () => {
  const r = judgeProgress({ lag: 12, lastCommitMs: START + 1000 }, START + 1000 + STALL + 1, START, STALL);
  assert.equal(r.ok, false);
  assert.match(r.detail, /stalled: 12 event\(s\) waiting/);
});

test('a backlog that keeps committing is busy, not stalled', () => {
  assert.equal(judgeProgress({ lag: 500_000, lastCommitMs: START + 99_000 }, START + 100_000, START, STALL).ok, true);
});

test('nothing waiting is healthy however long ago the last commit was', () => {
  assert.equal(judgeProgress({ lag: 0, lastCommitMs: START }, START + 3_600_000, START, STALL).ok, true);
  assert.equal(judgeProgress({ lag: 0, lastCommitMs: undefined }, START + 3_600_000, START, STALL).ok, true);
});

test('no commit since start counts from the start', () => {
  assert.equal(judgeProgress({ lag: 3, lastCommitMs: undefined }, START + STALL - 1, START, STALL).ok, true);
  assert.equal(judgeProgress({ lag: 3, lastCommitMs: undefined }, START + STALL + 1, START, STALL).ok, false);
});

test('unknown lag is not called a stall', () => {
  assert.equal(judgeProgress({ lag: undefined, lastCommitMs: undefined }, START + 10 * STALL, START, STALL).ok, true);
});

test('events arriving after an idle spell are not stalled before their first commit; they are once they wait past the limit', () => {
  const lastCommitMs = START + 1000;
  const arrived = lastCommitMs + 10 * STALL;
  assert.equal(judgeProgress({ lag: 40, lastCommitMs, oldestWaitingMs: arrived }, arrived + 200, START, STALL).ok, true);
  assert.equal(judgeProgress({ lag: 40, lastCommitMs: undefined, oldestWaitingMs: arrived }, arrived + 200, START, STALL).ok, true);
  const r = judgeProgress({ lag: 40, lastCommitMs, oldestWaitingMs: arrived }, arrived + STALL + 1, START, STALL);
  assert.equal(r.ok, false);
  assert.match(r.detail, /stalled: 40 event\(s\) waiting/);
});

test('an old waiting event behind batches that keep committing is busy, not stalled', () => {
  assert.equal(judgeProgress({ lag: 9000, lastCommitMs: START + 99_000, oldestWaitingMs: START }, START + 100_000, START, STALL).ok, true);
});
