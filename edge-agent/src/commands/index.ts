export { CommandRouter, commandStatsSchema, type CommandStats } from './command-router.ts';
export { isCommandTarget, type CommandOutcome, type CommandTarget } from './command-target.ts';
