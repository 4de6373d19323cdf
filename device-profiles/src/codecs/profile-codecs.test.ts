import { describe, expect, it } from 'vitest';
import { getProfile, listProfileIds } from '../index.ts';
import { findCodec } from './index.ts';

const withCodec = listProfileIds()
  .map((id) => getProfile(id))
  .filter((p) => p.payload?.format === 'codec');

describe.each(withCodec.map((p) => [p.id, p] as const))('profile %s', (_id, profile) => {
  it('names a registered codec that yields every field its channels read', () => {
    const codec = findCodec((profile.payload as { codec: string }).codec);
    expect(codec).toBeDefined();
    for (const channel of profile.channels) expect(codec!.fields).toContain(channel.field);
  });
});

it('ships at least one codec profile', () => {
  expect(withCodec.map((p) => p.id)).toContain('elsys-ers-co2');
});
