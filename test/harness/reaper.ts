import { after } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { onProcessExit } from '../../stack/kill-on-exit.ts';

/**
 * Kills, when a test file ends, every child process it started and did not stop.
 *
 * Why: a test that fails between starting a nats-server (or a processor) and stopping it leaves
 * a live child whose pipes keep the file's process running, and node's test runner then waits
 * for it forever: one failed assertion became a CI run that never finished. Registered at
 * import time, so the hook belongs to the file's root test and runs after all of its tests.
 * Import it only from tests: in any other program, importing node:test prints a TAP report.
 * The same kills also run when the file's process ends some other way (a test that timed out
 * under --test-timeout, the runner or CI's `timeout` signalling it): the root `after` hook does
 * not run then, and a processor child outlived the file.
 */
/** How long the file's own cleanup gets after its tests before leftovers are killed. */
const GRACE_MS = 10_000;
const live = new Set<() => void>();
after(() => {
  // Not at once: the file's own after hooks may run after this one and still need the servers
  // (a client drains before its server stops). The timer is unref'd, so it only fires when
  // something the file started is still keeping it alive, and then it ends the file.
  setTimeout(() => {
    for (const kill of live) kill();
    live.clear();
  }, GRACE_MS).unref();
});

/** Reap `child` at the end of the file unless it has exited by then. Returns the child. */
export function reapAtEnd<C extends ChildProcess>(child: C): C {
  if (child.exitCode !== null || child.signalCode !== null) return child;
  const forget = reapKillAtEnd(() => void child.kill('SIGKILL'));
  child.once('exit', forget);
  return child;
}

/** Reap something that is not a ChildProcess we hold (a server started by library code). */
export function reapKillAtEnd(kill: () => void): () => void {
  live.add(kill);
  const forgetOnExit = onProcessExit(kill);
  return () => {
    live.delete(kill);
    forgetOnExit();
  };
}
