// Everything the commands start is registered here, so that it is stopped on success, on error and on Ctrl-C.

type Cleanup = () => Promise<void>;

const cleanups: { name: string; run: Cleanup }[] = [];
const pids = new Set<number>();
let installed = false;
let stopping: Promise<void> | undefined;
let interruptedBy: NodeJS.Signals | undefined;

/** The signal that is stopping the command, if any (errors that follow from the teardown are then not reported). */
export const interrupted = (): NodeJS.Signals | undefined => interruptedBy;

/** Registers a cleanup; cleanups run in reverse order of registration. */
export function onCleanup(name: string, run: Cleanup): void {
  cleanups.push({ name, run });
}

/** A child process to SIGKILL if this process exits before its cleanup ran (last resort). */
export function trackPid(pid: number | undefined): void {
  if (pid) pids.add(pid);
}

export function untrackPid(pid: number | undefined): void {
  if (pid) pids.delete(pid);
}

/** Runs every registered cleanup once (each bounded; one failing does not stop the others). */
export function cleanupAll(): Promise<void> {
  stopping ??= (async () => {
    while (cleanups.length > 0) {
      const c = cleanups.pop();
      if (!c) break;
      try {
        await Promise.race([c.run(), new Promise((r) => setTimeout(r, 30_000))]);
      } catch (err) {
        process.stderr.write(`cleanup of ${c.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  })();
  return stopping;
}

/** SIGINT/SIGTERM: clean up, then exit 130/143; on exit, SIGKILL whatever child is still tracked. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) return;
    interruptedBy = signal;
    process.stderr.write(`\n${signal}: stopping everything...\n`);
    void cleanupAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}
