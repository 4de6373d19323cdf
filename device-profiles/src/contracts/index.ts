/** The shared contracts alone: no Node built-ins, so browsers (the twin viewer) can import them. */
export * from './commands.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './quantities.ts';
export * from './reading.ts';
export * from './topics.ts';
export * from './wire.ts';
export * from './profile.ts';
