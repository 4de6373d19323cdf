import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('sparkplug_b.proto', import.meta.url)));
const payloadType = root.lookupType('org.eclipse.tahu.protobuf.Payload');

/** Sparkplug 3.0 §6.4 "DataType Values": the subset Zenne publishes. */
export const DataType = {
  Int32: 3,
  UInt64: 8,
  Double: 10,
  Boolean: 11,
  String: 12,
} as const;

export interface PropertyValue {
  type: number;
  isNull?: boolean;
  intValue?: number;
  longValue?: number;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
}

export interface PropertySet {
  keys: string[];
  values: PropertyValue[];
}

/** A Sparkplug B metric (Sparkplug 3.0 §6.4 "Metric"), with the value fields Zenne uses. */
export interface Metric {
  name?: string;
  alias?: number;
  timestamp?: number;
  datatype?: number;
  isHistorical?: boolean;
  isNull?: boolean;
  properties?: PropertySet;
  intValue?: number;
  longValue?: number;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
}

/** A Sparkplug B payload (Sparkplug 3.0 §6.4 "Payload"): `seq` is absent only in NDEATH. */
export interface Payload {
  timestamp?: number;
  metrics: Metric[];
  seq?: number;
}

export function encodePayload(payload: Payload): Buffer {
  return Buffer.from(payloadType.encode(payloadType.fromObject(payload)).finish());
}

/**
 * Decodes a Sparkplug B payload; 64-bit fields become numbers (timestamps in
 * ms and bdSeq/seq fit well within 2^53). Throws on bytes that are not one.
 */
export function decodePayload(bytes: Uint8Array): Payload {
  const object = payloadType.toObject(payloadType.decode(bytes), { longs: Number, defaults: false, arrays: true });
  return object as Payload;
}

/** A metric's property, by key (Sparkplug 3.0 §6.4 "PropertySet": parallel `keys` and `values`). */
export function propertyOf(metric: Metric, key: string): PropertyValue | undefined {
  const i = metric.properties?.keys.indexOf(key) ?? -1;
  return i < 0 ? undefined : metric.properties!.values[i];
}
