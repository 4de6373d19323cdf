/** One `zenne-agent <name>` command; `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text, with examples. */
  help: string;
  run(args: string[]): Promise<number>;
}
