import type { ChildProcess } from 'node:child_process';
import { stopChild } from './nats-server.ts';
import { DEFAULT_RESTART_BACKOFF, crashesInARow, restartDelayMs, type RestartBackoff } from './restart-backoff.ts';

export interface SupervisedChildOptions {
  name: string;
  /** Starts the child; called again for every restart. */
  spawn: () => ChildProcess;
  /** Called with each child as it starts (attach logs, wait for a ready line…). */
  onStart?: (child: ChildProcess, restarts: number) => void;
  /** Called when a child exits unexpectedly, with the wait before it is started again. */
  onCrash?: (info: { name: string; code: number | null; signal: NodeJS.Signals | null; restartInMs: number; crashesInARow: number }) => void;
  backoff?: RestartBackoff;
  /** Grace period of a stop before SIGKILL, ms. @default 10000 */
  stopGraceMs?: number;
}

export interface SupervisedChild {
  readonly name: string;
  /** The child running now (undefined while waiting to restart). */
  current(): ChildProcess | undefined;
  /** Times the child was started again after a crash. */
  restarts(): number;
  /** SIGKILL the running child; the supervisor restarts it (a watchdog's remedy for a hang). */
  kill(): void;
  /** Stop for good: no restart, SIGTERM then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

/**
 * Keeps a child process running: a crash (any exit that `stop()` did not ask for, even code 0)
 * restarts it after a backoff that grows with crashes in a row. One crashed component then
 * costs a restart, not the whole stack.
 */
export function superviseChild(opts: SupervisedChildOptions): SupervisedChild {
  const backoff = opts.backoff ?? DEFAULT_RESTART_BACKOFF;
  let child: ChildProcess | undefined;
  let stopped = false;
  let restarts = 0;
  let inARow = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    timer = undefined;
    if (stopped) return;
    const startedAt = Date.now();
    const c = opts.spawn();
    child = c;
    c.once('exit', (code, signal) => {
      if (child === c) child = undefined;
      if (stopped) return;
      inARow = crashesInARow(inARow, Date.now() - startedAt, backoff);
      const restartInMs = restartDelayMs(inARow, backoff);
      opts.onCrash?.({ name: opts.name, code, signal, restartInMs, crashesInARow: inARow });
      timer = setTimeout(() => {
        restarts++;
        start();
      }, restartInMs);
    });
    opts.onStart?.(c, restarts);
  };
  start();

  return {
    name: opts.name,
    current: () => child,
    restarts: () => restarts,
    kill: () => void child?.kill('SIGKILL'),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (child) await stopChild(child, opts.stopGraceMs ?? 10_000);
    },
  };
}
