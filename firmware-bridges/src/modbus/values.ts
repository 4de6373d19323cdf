/**
 * Register values. Modbus registers are 16-bit big-endian words ("MODBUS
 * Application Protocol V1.1b3" §4.2); 32-bit values span two registers and
 * the protocol leaves their word order to the device: `big` = high word first
 * (Eastron SDM floats), `little` = low word first.
 */
export const REGISTER_TYPES = ['uint16', 'int16', 'uint32', 'int32', 'float32'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];
export type WordOrder = 'big' | 'little';

export function registerCount(type: RegisterType): 1 | 2 {
  return type === 'uint16' || type === 'int16' ? 1 : 2;
}

/**
 * Decodes the value at `offset` of `registers` (16-bit words as read) and
 * multiplies it by `scale`. Throws RangeError when too few registers are there.
 */
export function decodeRegisterValue(
  registers: readonly number[],
  offset: number,
  type: RegisterType,
  wordOrder: WordOrder = 'big',
  scale = 1,
): number {
  const count = registerCount(type);
  if (offset < 0 || offset + count > registers.length) {
    throw new RangeError(`${type} at offset ${offset} needs ${count} register(s), ${registers.length} read`);
  }
  const buf = Buffer.alloc(2 * count);
  const words = registers.slice(offset, offset + count);
  if (wordOrder === 'little') words.reverse();
  words.forEach((word, i) => buf.writeUInt16BE(word, 2 * i));
  const raw =
    type === 'uint16' ? buf.readUInt16BE(0)
    : type === 'int16' ? buf.readInt16BE(0)
    : type === 'uint32' ? buf.readUInt32BE(0)
    : type === 'int32' ? buf.readInt32BE(0)
    : buf.readFloatBE(0);
  return raw * scale;
}

/** The registers that hold `value` (before scale) as `type`; for virtual devices and tests. */
export function encodeRegisterValue(value: number, type: RegisterType, wordOrder: WordOrder = 'big'): number[] {
  const buf = Buffer.alloc(2 * registerCount(type));
  if (type === 'uint16') buf.writeUInt16BE(value);
  else if (type === 'int16') buf.writeInt16BE(value);
  else if (type === 'uint32') buf.writeUInt32BE(value);
  else if (type === 'int32') buf.writeInt32BE(value);
  else buf.writeFloatBE(value);
  const words: number[] = [];
  for (let i = 0; i < buf.length; i += 2) words.push(buf.readUInt16BE(i));
  return wordOrder === 'little' ? words.reverse() : words;
}
