/**
 * CRC-16/MODBUS of `bytes`: polynomial 0xA001 (0x8005 reflected), initial value
 * 0xFFFF, no final XOR. "MODBUS over Serial Line Specification and
 * Implementation Guide V1.02" §2.5.1.2 and Appendix B ("CRC Generation");
 * the CRC goes on the wire low byte first (§2.5.1.2, last paragraph).
 */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
  }
  return crc;
}
