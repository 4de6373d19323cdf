import { z } from 'zod';

/** Sparkplug 3.0 §4.1 "namespace Element": the namespace of Sparkplug B. */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export type NodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

/**
 * Sparkplug 3.0 §4.1 group_id, edge_node_id and device_id elements: UTF-8 strings that
 * MUST NOT contain the MQTT reserved characters '+', '/' and '#'.
 */
export const sparkplugIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((id) => !/[+/#]/.test(id), { message: "must not contain '+', '/' or '#' (Sparkplug 3.0 §4.1)" });

/** `spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]` (§4.1 "Topic Namespace Elements"). */
export function sparkplugTopic(group: string, type: NodeMessageType | DeviceMessageType, node: string, device?: string): string {
  const topic = `${SPARKPLUG_NAMESPACE}/${group}/${type}/${node}`;
  return device === undefined ? topic : `${topic}/${device}`;
}
