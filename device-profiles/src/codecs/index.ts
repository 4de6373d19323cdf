import type { PayloadCodec } from './codec.ts';
import { elsysCodec } from './elsys/elsys.ts';

/** Every payload codec a profile may name in `payload: { format: codec, codec: <id> }`. */
export const payloadCodecs: readonly PayloadCodec[] = [elsysCodec];

/** Ids of the registered codecs, sorted. */
export function listCodecIds(): string[] {
  return payloadCodecs.map((c) => c.id).sort();
}

/** The codec with this id, or undefined. */
export function findCodec(id: string): PayloadCodec | undefined {
  return payloadCodecs.find((c) => c.id === id);
}

export type { CodecResult, PayloadCodec } from './codec.ts';
