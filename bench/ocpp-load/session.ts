/**
 * One benchmark run: progress on stderr, notes for the report, Ctrl-C, and the cleanup steps
 * (stop the stations, stop the server, remove temporary folders) run once, in reverse order.
 */

export interface Session {
  /** Progress line (overwritten in place on a terminal). */
  status(msg: string): void;
  /** Something the report should mention (printed at once too). */
  note(msg: string): void;
  notes: string[];
  /** Registers a cleanup step; steps run in reverse order of registration. */
  onCleanup(fn: () => unknown): void;
  /** Runs the cleanup steps (once). */
  cleanup(): Promise<void>;
  /** True after Ctrl-C / SIGTERM. */
  aborted: () => boolean;
  /** Registers a synchronous last-resort step for process exit (e.g. SIGKILL the server). */
  onExit(fn: () => void): void;
}

/**
 * Creates the session and installs the SIGINT/SIGTERM handlers: the first signal aborts the run
 * (it winds down and cleans up), a second one cleans up synchronously and exits at once.
 * @example const session = createSession(); session.onCleanup(() => server.stop());
 */
export function createSession(): Session {
  const steps: (() => unknown)[] = [];
  const exitSteps: (() => void)[] = [];
  const notes: string[] = [];
  let aborted = false;
  let cleaning: Promise<void> | undefined;
  const tty = process.stderr.isTTY;
  let lastLen = 0;

  const clearLine = () => {
    if (tty && lastLen) process.stderr.write(`\r${' '.repeat(lastLen)}\r`);
    lastLen = 0;
  };
  const session: Session = {
    status(msg) {
      if (tty) {
        clearLine();
        process.stderr.write(msg);
        lastLen = msg.length;
      } else {
        process.stderr.write(`${msg}\n`);
      }
    },
    note(msg) {
      notes.push(msg);
      clearLine();
      process.stderr.write(`note: ${msg}\n`);
    },
    notes,
    onCleanup(fn) {
      steps.push(fn);
    },
    cleanup() {
      cleaning ??= (async () => {
        clearLine();
        for (const fn of steps.reverse()) {
          try {
            await fn();
          } catch (e) {
            process.stderr.write(`cleanup: ${(e as Error).message}\n`);
          }
        }
      })();
      return cleaning;
    },
    aborted: () => aborted,
    onExit(fn) {
      exitSteps.push(fn);
    },
  };
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // Under `npm run`, tsx relays the terminal's SIGINT to us while the terminal also sends it to
    // the whole process group: the same Ctrl-C arrives twice within a few ms.
    if (aborted && Date.now() - firstSignalAt < 1000) return;
    if (aborted) {
      process.stderr.write(`\n${signal} again: killing the server and exiting now (a PostgreSQL bench database is dropped by the next run)\n`);
      process.exit(130);
    }
    aborted = true;
    firstSignalAt = Date.now();
    process.stderr.write(`\n${signal}: stopping (press Ctrl-C again to exit at once)\n`);
    // The run notices `aborted` and winds down; make sure we do not hang if it does not.
    void session.cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const fn of exitSteps) {
      try {
        fn();
      } catch {
        // Exiting anyway.
      }
    }
  });
  return session;
}
