import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFlushRequester } from './feed-timing.ts';

describe('createFlushRequester', () => {
  it('runs one flush for a burst of requests, and again for the next burst', () => {
    const queued: Array<() => void> = [];
    let flushes = 0;
    const f = createFlushRequester((fn) => queued.push(fn), () => flushes++);
    f.request();
    f.request();
    f.request();
    assert.equal(queued.length, 1);
    queued.shift()!();
    assert.equal(flushes, 1);
    f.request();
    queued.shift()!();
    assert.equal(flushes, 2);
  });

  it('drops a flush asked for before cancel, and takes requests after it', () => {
    const queued: Array<() => void> = [];
    let flushes = 0;
    const f = createFlushRequester((fn) => queued.push(fn), () => flushes++);
    f.request();
    f.cancel();
    queued.shift()!();
    assert.equal(flushes, 0, 'the closed session does not flush');
    f.request();
    assert.equal(queued.length, 1, 'a new request schedules again');
    queued.shift()!();
    assert.equal(flushes, 1);
  });
});
