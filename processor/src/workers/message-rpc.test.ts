import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { createRpc, RemoteCallError } from './message-rpc.ts';

test('calls get their own replies, errors cross by name and message, events arrive', async () => {
  const { port1, port2 } = new MessageChannel();
  const events: unknown[] = [];
  createRpc(port2, {
    double: async (n: number) => {
      await new Promise((r) => setTimeout(r, n === 1 ? 20 : 0));
      return n * 2;
    },
    fail: () => {
      throw new TypeError('bad table');
    },
  }, (type, payload) => events.push([type, payload]));
  const a = createRpc(port1, {});
  // The slow call (1) answers after the fast one (2): replies are matched by id, not order.
  assert.deepEqual(await Promise.all([a.call('double', 1), a.call('double', 2)]), [2, 4]);
  await assert.rejects(a.call('fail'), (e: Error) => e instanceof RemoteCallError && /TypeError: bad table/.test(e.message));
  await assert.rejects(a.call('nope'), /no handler for 'nope'/);
  a.emit('hello', { x: 1 });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(events, [['hello', { x: 1 }]]);
  port1.close();
});

test('failAll rejects the calls still waiting', async () => {
  const { port1, port2 } = new MessageChannel();
  createRpc(port2, { never: () => new Promise(() => {}) });
  const a = createRpc(port1, {});
  const p = a.call('never');
  a.failAll(new Error('worker exited'));
  await assert.rejects(p, /worker exited/);
  port1.close();
  port2.close();
});
