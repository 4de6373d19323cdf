import { decodeResponse, encodeRequest, FUNCTION_READ_HOLDING_REGISTERS } from '@zenne/firmware-bridges/modbus';
import type { ModbusTransport } from '../sources/modbus/transport.ts';

/** What one unit id did when asked for holding register 0. */
export type UnitProbe =
  | { unit: number; outcome: 'answer' }
  /** Alive: a Modbus exception is an answer (the register may simply not exist). */
  | { unit: number; outcome: 'exception'; code: number; name: string }
  | { unit: number; outcome: 'crc_error' }
  | { unit: number; outcome: 'bad_frame'; detail: string };

export interface ModbusScanResult {
  address: string;
  found: UnitProbe[];
  /** Unit ids that gave no answer within the timeout. */
  silent: number;
  scanned: number;
}

/**
 * Asks every unit id of `units` for one holding register (function 03,
 * address 0), one request at a time on an open transport. Any reply — data
 * or exception — means a device listens at that id; CRC errors and malformed
 * replies are kept, as they point at wiring, noise or duplicate addresses.
 */
export async function scanModbusUnits(
  transport: ModbusTransport,
  units: readonly number[],
  options: { timeoutMs: number; onProgress?: (done: number, total: number, found: number) => void },
): Promise<ModbusScanResult> {
  const request = encodeRequest({ function: FUNCTION_READ_HOLDING_REGISTERS, address: 0, quantity: 1 });
  const found: UnitProbe[] = [];
  let silent = 0;
  for (const [i, unit] of units.entries()) {
    const exchange = await transport.exchange(unit, request, options.timeoutMs);
    if (exchange.outcome === 'timeout') silent += 1;
    else if (exchange.outcome === 'answer') {
      const decoded = decodeResponse(exchange.pdu);
      if (!decoded.ok) found.push({ unit, outcome: 'bad_frame', detail: decoded.reason });
      else if (decoded.response.kind === 'exception') {
        found.push({ unit, outcome: 'exception', code: decoded.response.code, name: decoded.response.name });
      } else found.push({ unit, outcome: 'answer' });
    } else if (exchange.outcome === 'crc_error') found.push({ unit, outcome: 'crc_error' });
    else found.push({ unit, outcome: 'bad_frame', detail: exchange.detail });
    options.onProgress?.(i + 1, units.length, found.length);
  }
  return { address: transport.address, found, silent, scanned: units.length };
}

/** Parses `1-247`, `5`, `1-10,20` into sorted unique unit ids; undefined when malformed. */
export function parseUnitRange(text: string): number[] | undefined {
  const units = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from > to || to > 255) return undefined;
    for (let u = from; u <= to; u++) units.add(u);
  }
  return [...units].sort((a, b) => a - b);
}
