import type { FeedSocket } from './live-feed.ts';

/**
 * A socket.io client stand-in for the feeds' unit tests: it records what the feed emits (room
 * joins) and lets a test play the server's side with `receive`. Test-only; the browser tests
 * talk to the real socket.io server.
 */
export class FakeFeedSocket implements FeedSocket {
  listeners = new Map<string, Array<(...args: any[]) => void>>();
  emitted: Array<[string, unknown]> = [];
  disconnected = false;
  on(event: string, listener: (...args: any[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  emit(event: string, payload: unknown) {
    this.emitted.push([event, payload]);
  }
  disconnect() {
    this.disconnected = true;
  }
  /** Play the server sending an event. */
  receive(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}
