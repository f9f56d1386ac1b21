/**
 * Children that must not outlive this process, whatever way it ends: a normal exit, an uncaught
 * error (both fire 'exit'), or Ctrl-C / SIGTERM (which would otherwise end the process without
 * 'exit'). A bench that died with an uncaught error left its private nats-server and processor
 * running as orphans. Only SIGKILL of this process escapes it.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const c of cleanups) {
    try {
      c();
    } catch {
      /* best effort: the process is ending */
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      runAll();
      process.exit(code);
    });
  }
}

/** Run `cleanup` (synchronous: kill a pid, remove a folder) when this process ends; returns the undo. */
export function onProcessExit(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** SIGKILL `pid` when this process ends, unless it is gone by then. */
export function killOnExit(pid: number): () => void {
  return onProcessExit(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
}
