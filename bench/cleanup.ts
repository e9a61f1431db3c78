/**
 * Everything the bench starts or creates registers its undoing here, so that a normal end, an error
 * and Ctrl-C all leave no broker, database, server or temp directory behind.
 *
 * Tasks run last-in first-out (a sink stops before the broker it talks to). Each task may also give a
 * synchronous kill, used from process 'exit' when there is no time left for the graceful path.
 */
interface Task {
  name: string;
  run: () => Promise<void> | void;
  killSync?: () => void;
}

const TASK_TIMEOUT_MS = 15_000;

export class Cleanup {
  private readonly tasks = new Map<number, Task>();
  private nextId = 0;
  private running: Promise<void> | undefined;
  /** set by a signal: failures after it are the interruption's doing, not the run's */
  interrupted = false;

  constructor() {
    process.once('exit', () => {
      for (const t of this.tasks.values()) {
        try { t.killSync?.(); } catch { /* already gone */ }
      }
    });
  }

  /** registers an undo step; the returned function unregisters it (once it was done by other means) */
  add(name: string, run: Task['run'], killSync?: Task['killSync']): () => void {
    const id = this.nextId++;
    this.tasks.set(id, { name, run, ...(killSync ? { killSync } : {}) });
    return () => { this.tasks.delete(id); };
  }

  /** runs every registered task, newest first; a failing or hanging task does not stop the others */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      const tasks = [...this.tasks.entries()].reverse();
      this.tasks.clear();
      for (const [, t] of tasks) {
        try {
          await withTimeout(Promise.resolve(t.run()), TASK_TIMEOUT_MS, t.name);
        } catch (err) {
          console.error(`cleanup: ${t.name}: ${err instanceof Error ? err.message : String(err)}`);
          try { t.killSync?.(); } catch { /* already gone */ }
        }
      }
    })();
    return this.running;
  }

  /**
   * Ctrl-C or a kill: clean up, then exit with the conventional 128 + signal code. Later signals are
   * ignored rather than left to their default: under `npm run`, tsx relays the terminal's SIGINT to
   * this process a second time, which would otherwise kill it halfway through the cleanup.
   */
  onSignals(): void {
    let first = true;
    const handler = (signal: NodeJS.Signals) => {
      if (!first) return;
      first = false;
      this.interrupted = true;
      console.error(`\n${signal}: stopping every process the bench started…`);
      void this.runAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
