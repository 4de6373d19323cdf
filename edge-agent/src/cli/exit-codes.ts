/** Exit codes of every zenne-agent command (documented in edge-agent/README.md). */
export const EXIT = {
  /** Success: `run` stopped by SIGINT/SIGTERM, `status` found a running agent, `validate` found no problem. */
  OK: 0,
  /** The config is invalid or unreadable, or the agent hit a fatal error (e.g. state_dir locked). */
  FAILURE: 1,
  /** Wrong command line. */
  USAGE: 2,
  /** `status` only: the agent is not running, or its status is stale (hung or killed). */
  NOT_RUNNING: 3,
} as const;
