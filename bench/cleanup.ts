/**
 * Everything the benchmark starts registers how to stop it here. The run calls
 * `runCleanup()` in a finally block; SIGINT/SIGTERM run the same list, then exit.
 */

type Action = () => Promise<void> | void;

const actions: Action[] = [];

/** Registers an action; the returned function unregisters it (after a normal stop). */
export function onCleanup(action: Action): () => void {
  actions.push(action);
  return () => {
    const index = actions.indexOf(action);
    if (index >= 0) actions.splice(index, 1);
  };
}

/** Runs every registered action, newest first, each at most once; errors are reported, not thrown. */
export async function runCleanup(): Promise<void> {
  while (actions.length > 0) {
    const action = actions.pop();
    try {
      await action?.();
    } catch (error) {
      process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

let interrupted = false;

export function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping everything the benchmark started…\n`);
      runCleanup().finally(() => process.exit(130));
    });
  }
}
