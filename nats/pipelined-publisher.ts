import { ClosedConnectionError, createInbox, DrainingConnectionError, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { MsgIdHeaders } from './msg-id-headers.ts';
import type { OutgoingMessage } from './outgoing-message.ts';
import { readPubAckReply } from './pub-ack-reply.ts';

export interface PipelinedPublisherOptions {
  /** Publishes awaiting a JetStream ack at once. @default 2000 */
  maxInFlight?: number;
  /** Resend a message whose ack has not come after this long, ms (same msg id: stored once). @default 5000 */
  ackTimeoutMs?: number;
  /** Give up on a message after this many sends (a restarting server answers "not ready" for a while). @default 60 */
  maxAttempts?: number;
  /** Wait before resending a message JetStream could not take yet (no responders, not ready), ms. @default 500 */
  retryNotReadyMs?: number;
}

/** The publisher was closed (or its connection was) while messages still awaited an ack. */
export class PublisherClosedError extends Error {
  override name = 'PublisherClosedError';
  constructor(
    readonly unacked: number,
    options?: ErrorOptions,
  ) {
    super(`the publisher was closed with ${unacked} message(s) not yet acknowledged by JetStream`, options);
  }
}

/** JetStream refused a message, or never acknowledged it however often it was sent. */
export class PublishFailedError extends Error {
  override name = 'PublishFailedError';
  constructor(
    readonly subject: string,
    readonly msgId: string,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`publishing ${msgId} to ${subject} failed after ${attempts} attempt(s): ${reason}`);
  }
}

/** The messages of one publishAll() call: it settles when the last is stored, or at the first failure. */
interface Batch {
  remaining: number;
  failed: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Pending {
  subject: string;
  msgId: string;
  /** Encoded once: a resend sends the same bytes. */
  data: Uint8Array;
  headers: MsgIdHeaders;
  /** When to send again if no ack has come; 0 while waiting in the outbox, never sent. */
  dueAt: number;
  attempts: number;
  /** Why the last send did not store it, for the error if it never does. */
  lastReason: string;
  /** Set for publishAll()'s messages: their failure fails that call only, not the publisher. */
  batch: Batch | undefined;
}

const RESOLVED = Promise.resolve();

/**
 * High-rate JetStream publishing with acks, without a promise or a socket write per message:
 * core publishes with a reply subject (`<inbox>.<id>`) under one wildcard inbox subscription,
 * each ack matched to its message by the inbox token. Same guarantees as `js.publish()`: a
 * message leaves the window only when the stream stored it; one not acked in time is sent again
 * with the same msg id (JetStream stores it once); a refusal fails the publisher with the cause.
 *
 * Messages wait in an outbox and go out in one burst per event-loop turn. Sending each one as
 * it is published made nats.js flush the socket once per message (its flush is a microtask
 * queued by the first write, and the caller's `await publish()` lets it run in between): a
 * write syscall per message was most of the publisher's time.
 *
 * Two ways to publish, two ways to fail. `publish()` + `flush()` is the producers' stream: a
 * message JetStream refuses or never acks fails the publisher, and every later call rejects
 * with that error (a producer must stop, not skip). `publishAll()` is the processor's batch
 * of alerts or dead letters: it resolves once every one of its messages is stored and rejects
 * with the first failure among them, leaving the publisher and other batches going (the
 * caller retries or gives up on that batch).
 */
export class PipelinedPublisher {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #sub: Subscription;
  readonly #pending = new Map<number, Pending>();
  readonly #maxInFlight: number;
  /** Waiting publishers wake once the window has drained to this: a refill per burst of acks, not a promise per ack. */
  readonly #refillAt: number;
  readonly #ackTimeoutMs: number;
  readonly #maxAttempts: number;
  readonly #retryNotReadyMs: number;
  #outbox: number[] = [];
  #burst: NodeJS.Immediate | undefined;
  #next = 0;
  #acked = 0;
  #resent = 0;
  #failure: Error | undefined;
  #closed = false;
  #waiters: (() => void)[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(nc: NatsConnection, opts: PipelinedPublisherOptions = {}) {
    this.#nc = nc;
    this.#maxInFlight = opts.maxInFlight ?? 2000;
    this.#refillAt = this.#maxInFlight - Math.max(1, Math.floor(this.#maxInFlight / 8));
    this.#ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.#maxAttempts = opts.maxAttempts ?? 60;
    this.#retryNotReadyMs = opts.retryNotReadyMs ?? 500;
    this.#inbox = createInbox();
    const prefixLength = this.#inbox.length + 1;
    this.#sub = nc.subscribe(`${this.#inbox}.*`, {
      callback: (err, msg) => {
        if (err) return this.#fail(err);
        this.#onReply(Number(msg.subject.slice(prefixLength)), msg);
      },
    });
    this.#timer = setInterval(() => this.#resendExpired(), Math.min(250, this.#retryNotReadyMs));
    this.#timer.unref();
  }

  /** Messages acknowledged by JetStream so far. */
  get acked(): number {
    return this.#acked;
  }

  /** Sends after the first (no ack in time, or JetStream not ready): each with its msg id, stored once. */
  get resent(): number {
    return this.#resent;
  }

  /** Messages published and not yet acknowledged. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /**
   * Publish one message; waits only while `maxInFlight` are unacknowledged. Not an async
   * function: with room in the window it costs no promise of its own.
   */
  publish(m: OutgoingMessage): Promise<void> {
    if (this.#pending.size < this.#maxInFlight && !this.#failure && !this.#closed) {
      this.#enqueue(m, undefined);
      return RESOLVED;
    }
    return this.#publishWhenRoom(m, undefined);
  }

  /**
   * Publish these messages (`maxInFlight` at most unacknowledged, theirs and others'); resolves
   * once JetStream stored every one. Rejects with the first failure among them: a
   * PublishFailedError (refused, or never acknowledged), the client's own refusal to send one
   * (an InvalidArgumentError for a message over the server's max_payload), or a
   * PublisherClosedError. Their other messages may still be stored: each is sent with its msg
   * id, so a retry of the whole batch stores nothing twice.
   */
  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    let batch!: Batch;
    const settled = new Promise<void>((resolve, reject) => (batch = { remaining: messages.length, failed: false, resolve, reject }));
    for (const m of messages) {
      if (batch.failed) break;
      if (this.#pending.size < this.#maxInFlight && !this.#failure && !this.#closed) this.#enqueue(m, batch);
      else await this.#publishWhenRoom(m, batch).catch((err: Error) => this.#failBatch(batch, err));
    }
    return settled;
  }

  async #publishWhenRoom(m: OutgoingMessage, batch: Batch | undefined): Promise<void> {
    while (this.#pending.size >= this.#maxInFlight && !this.#failure && !this.#closed) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new PublisherClosedError(this.#pending.size);
    this.#enqueue(m, batch);
  }

  #enqueue(m: OutgoingMessage, batch: Batch | undefined): void {
    const id = this.#next++;
    this.#pending.set(id, {
      subject: m.subject,
      msgId: m.msgId,
      data: typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : m.data,
      headers: new MsgIdHeaders(m.msgId, m.headers),
      dueAt: 0,
      attempts: 0,
      lastReason: 'no ack in time',
      batch,
    });
    this.#outbox.push(id);
    this.#burst ??= setImmediate(() => this.#sendOutbox());
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
    if (this.#burst) clearImmediate(this.#burst);
    if (this.#pending.size) this.#fail(new PublisherClosedError(this.#pending.size));
    this.#wakeAll();
    if (!this.#nc.isClosed()) this.#sub.unsubscribe();
  }

  #onReply(id: number, msg: Msg): void {
    const p = this.#pending.get(id);
    if (!p) return; // the ack of a message resent and acked already
    const verdict = readPubAckReply(msg.data, msg.headers?.code);
    if (verdict.kind === 'refused') return this.#giveUp(id, p, new PublishFailedError(p.subject, p.msgId, verdict.reason, p.attempts));
    if (verdict.kind === 'retry') {
      // Not stored (JetStream starting after a restart, or no stream for the subject): soon again.
      p.dueAt = Date.now() + this.#retryNotReadyMs;
      p.lastReason = verdict.reason;
      return;
    }
    this.#pending.delete(id);
    this.#acked++;
    if (p.batch && --p.batch.remaining === 0 && !p.batch.failed) p.batch.resolve();
    if (this.#waiters.length && this.#pending.size <= this.#refillAt) this.#wakeAll();
  }

  #sendOutbox(): void {
    this.#burst = undefined;
    const ids = this.#outbox;
    this.#outbox = [];
    if (this.#closed || this.#failure) return;
    const dueAt = Date.now() + this.#ackTimeoutMs;
    for (const id of ids) {
      const p = this.#pending.get(id);
      if (!p) continue;
      p.attempts = 1;
      p.dueAt = dueAt;
      if (!this.#send(id, p)) return;
    }
  }

  /**
   * Sends can throw (the connection closed under us, a payload over max_payload): a closed
   * connection fails the publisher; a message the client refuses fails its batch, or the
   * publisher for publish()'s messages, with the real cause instead of an uncaught error from
   * a timer. False when nothing more can be sent.
   */
  #send(id: number, p: Pending): boolean {
    try {
      this.#nc.publish(p.subject, p.data, { reply: `${this.#inbox}.${id}`, headers: p.headers });
      return true;
    } catch (err) {
      const closed = err instanceof ClosedConnectionError || err instanceof DrainingConnectionError || this.#nc.isClosed();
      if (closed) {
        this.#fail(new PublisherClosedError(this.#pending.size, { cause: err }));
        return false;
      }
      this.#giveUp(id, p, err instanceof Error ? err : new Error(String(err)));
      return !this.#failure;
    }
  }

  #resendExpired(): void {
    if (this.#closed || this.#failure) return;
    if (this.#nc.isClosed()) return this.#fail(new PublisherClosedError(this.#pending.size, { cause: new Error('the NATS connection is closed') }));
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (p.dueAt === 0 || now < p.dueAt) continue; // in the outbox, or not due
      if (p.attempts >= this.#maxAttempts) {
        this.#giveUp(id, p, new PublishFailedError(p.subject, p.msgId, p.lastReason, p.attempts));
        if (this.#failure) return;
        continue;
      }
      p.attempts++;
      this.#resent++;
      p.dueAt = now + this.#ackTimeoutMs;
      if (!this.#send(id, p)) return;
    }
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** A message that will not be stored: its batch fails (the publisher goes on), or, outside a batch, the publisher. */
  #giveUp(id: number, p: Pending, err: Error): void {
    if (!p.batch) return this.#fail(err);
    this.#pending.delete(id);
    this.#failBatch(p.batch, err);
    if (this.#waiters.length && this.#pending.size <= this.#refillAt) this.#wakeAll();
  }

  #failBatch(batch: Batch, err: Error): void {
    if (batch.failed) return;
    batch.failed = true;
    batch.reject(err);
  }

  /** Fails publish()'s stream for good, and every batch still waiting. */
  #fail(err: Error): void {
    this.#failure ??= err;
    for (const p of this.#pending.values()) if (p.batch) this.#failBatch(p.batch, err);
    this.#wakeAll();
  }
}
