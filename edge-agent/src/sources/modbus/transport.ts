/** What came back for one request. Device faults are outcomes, never exceptions. */
export type Exchange =
  | { outcome: 'answer'; pdu: Buffer }
  | { outcome: 'timeout' }
  | { outcome: 'crc_error' }
  | { outcome: 'bad_frame'; detail: string };

/**
 * The link to a Modbus bus (serial port or TCP connection), one request at a
 * time. Lifecycle: open() once; exchange() only after open() resolved and
 * never while another exchange() runs; close() may be called at any time
 * and resolves once the port or socket is released. When the link drops by
 * itself, the `lost` listener runs once and any running exchange() rejects.
 */
export interface ModbusTransport {
  /** Where the bus is, for logs: `/dev/ttyUSB0`, `10.0.0.5:502`. */
  readonly address: string;
  open(onLost: (cause: Error) => void): Promise<void>;
  exchange(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Exchange>;
  close(): Promise<void>;
  /** Bytes that arrived outside any answer (line noise, late answers), counted since open(). */
  readonly strayBytes: number;
}
