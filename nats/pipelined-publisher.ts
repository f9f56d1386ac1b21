import { createInbox, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { OutgoingMessage } from './outgoing-message.ts';

export interface PipelinedPublisherOptions {
  /** Publishes awaiting a JetStream ack at once. @default 2000 */
  maxInFlight?: number;
  /** Resend a message whose ack has not come after this long, ms (same msg id: stored once). @default 5000 */
  ackTimeoutMs?: number;
  /** Give up on a message after this many sends (a restarting server answers "not ready" for a while). @default 60 */
  maxAttempts?: number;
}

/** The publisher was closed (or its connection was) while messages still awaited an ack. */
export class PublisherClosedError extends Error {
  override name = 'PublisherClosedError';
  constructor(readonly unacked: number, options?: ErrorOptions) {
    super(`the publisher was closed with ${unacked} message(s) not yet acknowledged by JetStream`, options);
  }
}

/** JetStream refused or never acknowledged a message. */
export class PublishFailedError extends Error {
  override name = 'PublishFailedError';
  constructor(
    readonly subject: string,
    readonly msgId: string,
    reason: string,
  ) {
    super(`publishing ${msgId} to ${subject} failed: ${reason}`);
  }
}

interface Pending {
  m: OutgoingMessage;
  /** When to send again if no ack has come. */
  dueAt: number;
  attempts: number;
}

/** What JetStream answers a publish with: a PubAck, or an error (503: JetStream not ready). */
interface PubAckReply {
  stream?: string;
  seq?: number;
  error?: { code?: number; err_code?: number; description?: string };
}

const decoder = new TextDecoder();
const RETRY_NOT_READY_MS = 500;

/**
 * High-rate JetStream publishing without one promise per message: core publishes with a reply
 * subject under one inbox subscription, acks counted as they arrive. Several times faster than
 * `js.publish()` in a loop (most of whose cost is per-call error objects and promises), with the
 * same guarantees: every message is acked by the stream or retried with its msg id.
 */
export class PipelinedPublisher {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #sub: Subscription;
  readonly #pending = new Map<number, Pending>();
  readonly #maxInFlight: number;
  readonly #ackTimeoutMs: number;
  readonly #maxAttempts: number;
  #next = 0;
  #acked = 0;
  #failure: Error | undefined;
  #closed = false;
  #waiters: (() => void)[] = [];
  #timer: NodeJS.Timeout;

  constructor(nc: NatsConnection, opts: PipelinedPublisherOptions = {}) {
    this.#nc = nc;
    this.#maxInFlight = opts.maxInFlight ?? 2000;
    this.#ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.#maxAttempts = opts.maxAttempts ?? 60;
    this.#inbox = createInbox();
    this.#sub = nc.subscribe(`${this.#inbox}.*`, {
      callback: (err, msg) => {
        // A status reply (503 no responders) may come as an error with its message: retry it.
        if (err && !msg?.subject) return this.#fail(err);
        const id = Number(msg.subject.slice(this.#inbox.length + 1));
        const p = this.#pending.get(id);
        if (!p) return; // ack of a message already resent and acked
        const body = err ? '' : decoder.decode(msg.data);
        let reply: PubAckReply | undefined;
        try {
          reply = body ? (JSON.parse(body) as PubAckReply) : undefined;
        } catch {
          reply = undefined;
        }
        if (reply?.error && reply.error.code !== 503) {
          // e.g. "maximum bytes exceeded": resending cannot help.
          return this.#fail(new PublishFailedError(p.m.subject, p.m.msgId, body));
        }
        if (!reply || typeof reply.seq !== 'number') {
          // No PubAck: an empty 503 status ("no responders" while JetStream starts after a
          // server restart) or a JetStream 503. The message is NOT stored: send it again soon.
          p.dueAt = Date.now() + RETRY_NOT_READY_MS;
          return;
        }
        this.#pending.delete(id);
        this.#acked++;
        this.#wakeAll();
      },
    });
    this.#timer = setInterval(() => this.#resendExpired(), 250);
    this.#timer.unref();
  }

  /** Messages acknowledged by JetStream so far. */
  get acked(): number {
    return this.#acked;
  }

  /** Publish one message; waits only while `maxInFlight` are unacknowledged. */
  async publish(m: OutgoingMessage): Promise<void> {
    if (this.#closed) throw new PublisherClosedError(this.#pending.size);
    while (this.#pending.size >= this.#maxInFlight && !this.#failure) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failure) throw this.#failure;
    const id = this.#next++;
    this.#pending.set(id, { m, dueAt: Date.now() + this.#ackTimeoutMs, attempts: 1 });
    this.#send(id, m);
  }

  /** Resolves when every published message is acknowledged. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0 && !this.#failure) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failure) throw this.#failure;
  }

  /**
   * Stop resending and release the inbox. Safe to call more than once and after the connection
   * closed; anyone still waiting in publish()/flush() gets a PublisherClosedError.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#pending.size) this.#fail(new PublisherClosedError(this.#pending.size));
    if (!this.#nc.isClosed()) this.#sub.unsubscribe();
  }

  /**
   * Sends can throw (the connection closed under us, a payload over max_payload): that fails
   * the publisher with the real cause instead of escaping from a timer as an uncaught error.
   */
  #send(id: number, m: OutgoingMessage): void {
    try {
      const h = headers();
      h.set('Nats-Msg-Id', m.msgId);
      if (m.headers) for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
      this.#nc.publish(m.subject, m.data, { reply: `${this.#inbox}.${id}`, headers: h });
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #resendExpired(): void {
    if (this.#closed || this.#failure) return;
    if (this.#nc.isClosed()) return this.#fail(new PublisherClosedError(this.#pending.size, { cause: new Error('the NATS connection is closed') }));
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (this.#failure) return;
      if (now < p.dueAt) continue;
      if (p.attempts >= this.#maxAttempts) return this.#fail(new PublishFailedError(p.m.subject, p.m.msgId, `no ack after ${p.attempts} attempts`));
      p.attempts++;
      p.dueAt = now + this.#ackTimeoutMs;
      this.#send(id, p.m);
    }
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    this.#wakeAll();
  }
}
