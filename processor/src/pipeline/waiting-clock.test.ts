import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessorMetrics } from '../metrics.ts';
import { WaitingClock } from './waiting-clock.ts';

test('the oldest uncommitted arrival moves on as batches commit in order, and is undefined when none waits', () => {
  const c = new WaitingClock();
  assert.equal(c.oldestMs(), undefined);
  assert.equal(c.arrived(100), true, 'the first waiting message starts the clock');
  assert.equal(c.arrived(100), false);
  c.arrived(105);
  c.arrived(110);
  assert.equal(c.oldestMs(), 100);
  c.committed(1);
  assert.equal(c.oldestMs(), 100, 'the second message of ms 100 still waits');
  c.committed(1);
  assert.equal(c.oldestMs(), 105);
  c.committed(2);
  assert.equal(c.oldestMs(), undefined);
  assert.equal(c.arrived(500), true, 'after an idle spell the clock starts at the new arrival');
  assert.equal(c.oldestMs(), 500);
});

test('many messages over many milliseconds keep exact positions after the marks are compacted', () => {
  const c = new WaitingClock();
  for (let i = 0; i < 10_000; i++) c.arrived(1000 + Math.floor(i / 3));
  for (let done = 0; done < 9_000; done += 500) {
    c.committed(500);
    assert.equal(c.oldestMs(), 1000 + Math.floor((done + 500) / 3));
  }
});

test('a domain split over pipelines waits since the oldest of theirs; one that commits all it has drops out', () => {
  const metrics = new ProcessorMetrics({ processMetrics: false });
  assert.equal(metrics.oldestWaitingMs('trip'), undefined);
  metrics.setWaiting('trip', 'worker-0', 700);
  metrics.setWaiting('trip', 'worker-1', 500);
  metrics.setWaiting('sensor', 'local', 100);
  assert.equal(metrics.oldestWaitingMs('trip'), 500);
  metrics.setWaiting('trip', 'worker-1', undefined);
  assert.equal(metrics.oldestWaitingMs('trip'), 700);
  assert.equal(metrics.oldestWaitingMs('sensor'), 100);
});
