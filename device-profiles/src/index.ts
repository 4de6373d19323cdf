export * from './contracts/index.ts';
export * from './errors.ts';
export * from './units.ts';
export * from './quality.ts';
export * from './normaliser.ts';
export { parseProfile, type ProfileIssue } from './profiles/parse-profile.ts';
export * from './profiles/loader.ts';
export * from './codecs/index.ts';
