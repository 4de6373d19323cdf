export { crc16Modbus } from './crc16.ts';
export * from './pdu.ts';
export * from './rtu.ts';
export * from './tcp.ts';
export * from './values.ts';
export * from './blocks.ts';
