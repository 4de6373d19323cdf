export * from './contracts/errors.ts';
export * from './contracts/ids.ts';
export * from './contracts/quantities.ts';
export * from './contracts/reading.ts';
export * from './contracts/topics.ts';
export * from './contracts/wire.ts';
export * from './contracts/profile.ts';
