import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Subscription } from 'rxjs';
import type { MessageSource, SourceMessage } from '../../processor/src/ports/source-message.ts';

/** A log to test a MessageSource over: each call of the factory gives an empty one. */
export interface MessageLogUnderTest {
  /** Add a message to `partition` under `key`; resolves once it is in the log. */
  append(partition: number, key: string, data: string): Promise<{ seq: number; subject: string }>;
  /** Open a source over `partitions`; opening the same partitions again resumes where acks left off. */
  open(partitions: readonly number[]): Promise<MessageSource>;
  /** Let the ack wait of every delivered, unanswered message run out (real: wait; fake: on demand). */
  expireAckWait(): Promise<void>;
}

export interface MessageSourceContractOptions {
  /** How long "nothing more arrives" is watched for, ms: past any delivery delay of the source. */
  quietMs: number;
  /** Longest wait for an expected delivery, ms. @default 10000 */
  timeoutMs?: number;
}

/** Everything a source delivered, as it comes. */
interface Recorder {
  got: SourceMessage[];
  completed: boolean;
  waitFor(what: string, done: (got: SourceMessage[]) => boolean): Promise<SourceMessage[]>;
  stop(): void;
}

const text = (m: SourceMessage) => new TextDecoder().decode(m.data);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Subscribe to `source`; `ackOnArrival`: ack each message as it comes, as the pipeline would after committing it. */
function record(source: MessageSource, timeoutMs: number, ackOnArrival = false): Recorder {
  let failure: unknown;
  const rec: Recorder & { sub?: Subscription } = {
    got: [],
    completed: false,
    async waitFor(what, done) {
      const deadline = Date.now() + timeoutMs;
      while (!done(rec.got)) {
        if (failure) throw failure;
        if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; got seqs [${rec.got.map((m) => `${m.seq}${m.redelivered ? 'r' : ''}`)}]`);
        await sleep(10);
      }
      return rec.got;
    },
    stop: () => rec.sub?.unsubscribe(),
  };
  rec.sub = source.messages$.subscribe({
    next: (m) => {
      rec.got.push(m);
      if (ackOnArrival) m.ack();
    },
    error: (err) => (failure = err),
    complete: () => (rec.completed = true),
  });
  return rec;
}

/**
 * What the processor relies on from its event log: each owned partition in log order, nothing
 * from other partitions, a nak'd or unanswered message back (marked redelivered), an acked one
 * never again (even acked after the source closed), and close() completing the stream.
 */
export function describeMessageSourceContract(name: string, makeLog: () => Promise<MessageLogUnderTest>, opts: MessageSourceContractOptions): void {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const quiet = () => sleep(opts.quietMs);
  describe(`MessageSource contract: ${name}`, () => {
    test('each owned partition comes in log order with seq, subject, partition and data; other partitions never', async () => {
      const log = await makeLog();
      const appended: { seq: number; subject: string; partition: number; data: string }[] = [];
      const add = async (partition: number, i: number) => {
        const { seq, subject } = await log.append(partition, `k${i % 3}`, `m${i}`);
        appended.push({ seq, subject, partition, data: `m${i}` });
      };
      for (let i = 0; i < 24; i++) await add(i % 3, i);
      const source = await log.open([0, 2]);
      const rec = record(source, timeoutMs);
      // Appended while the source is open: delivered too, after the older ones.
      for (let i = 24; i < 30; i++) await add(i % 3, i);
      const owned = appended.filter((a) => a.partition !== 1);
      await rec.waitFor(`${owned.length} messages`, (got) => got.length >= owned.length);
      await quiet();
      const got = rec.got.map((m) => ({ seq: m.seq, subject: m.subject, partition: m.partition, data: text(m) }));
      for (const p of [0, 2]) {
        assert.deepEqual(got.filter((m) => m.partition === p), owned.filter((a) => a.partition === p), `partition ${p}`);
      }
      assert.equal(got.length, owned.length, 'nothing from partition 1, nothing twice');
      assert.ok(rec.got.every((m) => !m.redelivered));
      for (const m of rec.got) m.ack();
      rec.stop();
      await source.close();
    });

    test('a nak\'d message comes back marked redelivered, same seq and data; acked ones never do', async () => {
      const log = await makeLog();
      const seqs: number[] = [];
      for (let i = 0; i < 3; i++) seqs.push((await log.append(0, 'k', `m${i}`)).seq);
      const source = await log.open([0]);
      const rec = record(source, timeoutMs);
      const [a, b, c] = await rec.waitFor('3 messages', (got) => got.length >= 3);
      a!.ack();
      b!.nak();
      c!.ack();
      const [again] = (await rec.waitFor('the redelivery', (got) => got.length >= 4)).slice(3);
      assert.deepEqual([again!.seq, again!.redelivered, text(again!)], [seqs[1], true, 'm1']);
      again!.ack();
      await log.expireAckWait();
      await quiet();
      assert.deepEqual(rec.got.map((m) => m.seq), [...seqs, seqs[1]]);
      rec.stop();
      await source.close();
    });

    test('a message neither acked nor nak\'d comes back once its ack wait runs out', async () => {
      const log = await makeLog();
      const first = await log.append(0, 'k', 'acked');
      const second = await log.append(0, 'k', 'forgotten');
      const source = await log.open([0]);
      const rec = record(source, timeoutMs);
      const [a] = await rec.waitFor('2 messages', (got) => got.length >= 2);
      a!.ack();
      await log.expireAckWait();
      const again = (await rec.waitFor('the redelivery', (got) => got.length >= 3))[2]!;
      assert.deepEqual([again.seq, again.redelivered, text(again)], [second.seq, true, 'forgotten']);
      again.ack();
      await quiet();
      assert.ok(!rec.got.slice(2).some((m) => m.seq === first.seq), 'the acked message came back');
      rec.stop();
      await source.close();
    });

    test('close() completes the stream; acks sent after it count; a new source resumes past the acked', async () => {
      const log = await makeLog();
      const seqs: number[] = [];
      for (let i = 0; i < 4; i++) seqs.push((await log.append(0, 'k', `m${i}`)).seq);
      const source = await log.open([0]);
      const rec = record(source, timeoutMs);
      const [m0, m1, m2] = await rec.waitFor('4 messages', (got) => got.length >= 4);
      m0!.ack();
      m1!.ack();
      await source.close();
      await rec.waitFor('completion after close()', () => rec.completed);
      m2!.ack(); // an in-flight batch committing during shutdown
      const late = await log.append(0, 'k', 'after close');
      await quiet();
      assert.equal(rec.got.length, 4, 'a closed source delivered more');

      const reopened = await log.open([0]);
      // Acked as they come: held unanswered through the wait below, they would (rightly) come again.
      const rec2 = record(reopened, timeoutMs, true);
      await log.expireAckWait();
      // m3 was never answered: it comes back; the late one is new; m0–m2 are done.
      await rec2.waitFor('m3 and the late message', (got) => got.some((m) => m.seq === seqs[3]) && got.some((m) => m.seq === late.seq));
      await quiet();
      assert.deepEqual(rec2.got.map((m) => m.seq).sort((x, y) => x - y), [seqs[3], late.seq]);
      assert.equal(rec2.got.find((m) => m.seq === seqs[3])?.redelivered, true);
      assert.equal(rec2.got.find((m) => m.seq === late.seq)?.redelivered, false);
      rec2.stop();
      await reopened.close();
    });
  });
}
