import { z } from 'zod';
import { deviceIdSchema, idSchema } from '@zenne/device-profiles';

/** One slave on a Modbus bus: which registry device it is, how to read it and how often. */
export const modbusBusDeviceSchema = z.strictObject({
  device: deviceIdSchema,
  profile: idSchema,
  /** Modbus slave address (RTU: 1-247, §2.2 of Modbus over Serial Line; TCP gateways also use 0 and 248-255). */
  unit_id: z.number().int().min(0).max(255),
  poll_period_s: z.number().positive(),
  /** For polyphase meters: read the registers of this phase only (profile `modbus.registers[].phase`). */
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
});
export type ModbusBusDevice = z.infer<typeof modbusBusDeviceSchema>;

/**
 * Keys every Modbus bus has. A bus serves several devices, so it has no
 * `bridge`/`profile`/`device` of its own (each entry of `devices` has them).
 */
const busShape = {
  id: idSchema,
  devices: z.array(modbusBusDeviceSchema).min(1),
  /** How long to wait for an answer before counting a timeout. */
  timeout_ms: z.number().int().positive().default(1000),
  /** Extra attempts after a timeout before the device is put on the slow retry schedule. */
  retries: z.number().int().min(0).max(5).default(2),
  /** Longest wait between two attempts at a device that stopped answering. */
  slow_retry_max_s: z.number().positive().default(60),
};

/** A Modbus RTU bus: RS-485 (or a UART) behind a serial port. */
export const modbusRtuSourceConfigSchema = z.strictObject({
  ...busShape,
  kind: z.literal('modbus_rtu'),
  /** Device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-...; relative to the config file when relative. */
  port: z.string().min(1),
  baud_rate: z.number().int().positive(),
  data_bits: z.union([z.literal(7), z.literal(8)]).default(8),
  /** Modbus over Serial Line §2.5.1: even parity is the default of the standard; many meters ship with none. */
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});
export type ModbusRtuSourceConfig = z.infer<typeof modbusRtuSourceConfigSchema>;

/** A Modbus TCP server (a meter with Ethernet, or an RTU-to-TCP gateway). */
export const modbusTcpSourceConfigSchema = z.strictObject({
  ...busShape,
  kind: z.literal('modbus_tcp'),
  host: z.string().min(1),
  /** Modbus TCP Implementation Guide §3.1.1: the well-known port is 502. */
  port: z.number().int().min(1).max(65535).default(502),
});
export type ModbusTcpSourceConfig = z.infer<typeof modbusTcpSourceConfigSchema>;

export type ModbusSourceConfig = ModbusRtuSourceConfig | ModbusTcpSourceConfig;
