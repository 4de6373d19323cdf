import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

/** How long a child gets to stop after SIGTERM before it is killed. */
const DEFAULT_STOP_GRACE_MS = 15_000;

export interface ManagedChildOptions {
  /** Short name for messages, e.g. `cloud`, `agent gw-monnaie`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** Every line of stdout and stderr is appended here. */
  logFile: string;
  /** Called with each stdout line (the children log pino JSON there). */
  onLine?: (line: string) => void;
}

/**
 * A child process of the demo with its output in a log file.
 * It runs in its own process group, so a Ctrl-C in the terminal reaches only
 * the demo, which then stops its children in order (agents before the cloud).
 * Emits `unexpected-exit` (code, signal) if it ends before `stop()` was called.
 *
 * Lifecycle: starts at construction; `stop()` sends SIGTERM, waits for the
 * exit (SIGKILL after the grace period) and closes the log; idempotent.
 */
export class ManagedChild extends EventEmitter {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stopping: Promise<void> | undefined;
  readonly #log: WriteStream;
  readonly #killOnExit = () => this.child.kill('SIGKILL');

  constructor(options: ManagedChildOptions) {
    super();
    this.name = options.name;
    this.logFile = options.logFile;
    this.#log = createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // A demo that dies without stopping its children must not leave them running.
    process.once('exit', this.#killOnExit);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.#log.write(`spawn failed: ${err.message}\n`);
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
    void this.exited.then(({ code, signal }) => {
      process.removeListener('exit', this.#killOnExit);
      if (!this.#stopping) this.emit('unexpected-exit', code, signal);
    });
    const out = createInterface({ input: this.child.stdout! });
    out.on('line', (line) => {
      this.#log.write(`${line}\n`);
      options.onLine?.(line);
    });
    const err = createInterface({ input: this.child.stderr! });
    err.on('line', (line) => {
      this.#log.write(`${line}\n`);
      if (line.trim()) this.#lastStderrLine = line.trim();
    });
  }

  #lastStderrLine: string | undefined;

  /** The last line the child wrote on stderr (where a CLI reports why it exits). */
  get lastStderrLine(): string | undefined {
    return this.#lastStderrLine;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.running && this.child.pid !== undefined) {
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        await this.exited;
        clearTimeout(timer);
      } else {
        await this.exited;
      }
      await new Promise<void>((resolve) => this.#log.end(resolve));
    })();
    return this.#stopping;
  }
}
