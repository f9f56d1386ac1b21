/** Either end of a worker's channel: `parentPort` in the worker, the `Worker` in the main thread. */
export interface MessageEnd {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handler = (args: any) => unknown;

interface Call {
  rpc: 'call';
  id: number;
  op: string;
  args: unknown;
}
interface Reply {
  rpc: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}
interface Event {
  rpc: 'event';
  type: string;
  payload: unknown;
}

/** A call the other thread answered with an error; `name` is the original error's class name. */
export class RemoteCallError extends Error {
  override name = 'RemoteCallError';
  constructor(
    readonly op: string,
    readonly remoteName: string,
    message: string,
  ) {
    super(`${op}: ${remoteName}: ${message}`);
  }
}

export interface Rpc {
  /** Ask the other thread to run `op`; resolves with its answer. */
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  /** Tell the other thread something; no answer. */
  emit(type: string, payload?: unknown): void;
  /** Reject every call still waiting (the other thread is gone). */
  failAll(err: Error): void;
}

/**
 * Request/reply and one-way events over a worker's message channel. Calls are matched to their
 * replies by id; errors cross as name and message (a thread cannot share Error objects).
 */
export function createRpc(end: MessageEnd, handlers: Record<string, Handler>, onEvent: (type: string, payload: any) => void = () => {}): Rpc {
  let next = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; op: string }>();
  end.on('message', function onRpcMessage(raw) {
    const m = raw as Call | Reply | Event;
    if (m.rpc === 'reply') {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new RemoteCallError(w.op, m.error?.name ?? 'Error', m.error?.message ?? 'failed'));
    } else if (m.rpc === 'call') {
      const handler = handlers[m.op];
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`no handler for '${m.op}'`);
          return handler(m.args);
        })
        .then(
          (value) => end.postMessage({ rpc: 'reply', id: m.id, ok: true, value } satisfies Reply),
          (err: Error) => end.postMessage({ rpc: 'reply', id: m.id, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } } satisfies Reply),
        );
    } else if (m.rpc === 'event') {
      onEvent(m.type, m.payload);
    }
  });
  return {
    call<T>(op: string, args?: unknown): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
        end.postMessage({ rpc: 'call', id, op, args } satisfies Call);
      });
    },
    emit(type: string, payload?: unknown) {
      end.postMessage({ rpc: 'event', type, payload } satisfies Event);
    },
    failAll(err: Error) {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    },
  };
}
