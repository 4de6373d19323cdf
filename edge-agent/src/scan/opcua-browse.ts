/** One variable found under the Objects folder. */
export interface OpcuaVariable {
  node_id: string;
  /** Browse path from Objects, e.g. `BMS/AI-101_RoomTemperature/Present_Value`. */
  path: string;
  data_type: string;
}

export interface OpcuaBrowseResult {
  endpoint: string;
  variables: OpcuaVariable[];
  /** Nodes not expanded because the depth limit was reached. */
  truncated: number;
}

const CONNECT_TIMEOUT_MS = 10_000;
const MAX_NODES = 2_000;

/**
 * Browses the Objects folder of `endpoint` (anonymous, security None) down to
 * `depth` levels and lists the variables. node-opcua is imported here, on
 * first use, so the other commands do not pay for loading it. Connects once,
 * without retrying: a technician wants the error now.
 */
export async function browseOpcua(endpoint: string, depth: number, onProgress?: (nodes: number) => void): Promise<OpcuaBrowseResult> {
  const { OPCUAClient, MessageSecurityMode, SecurityPolicy, NodeClass, ObjectIds, BrowseDirection, DataType } = await import('node-opcua');
  const client = OPCUAClient.create({
    // The same application name as the agent's OPC UA source, so both use the one client certificate.
    applicationName: 'zenne-agent',
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 60_000,
  });
  const timer = setTimeout(() => void client.disconnect(), CONNECT_TIMEOUT_MS);
  try {
    await client.connect(endpoint);
    clearTimeout(timer);
    const session = await client.createSession();
    try {
      const variables: OpcuaVariable[] = [];
      let truncated = 0;
      let visited = 0;
      const queue: { nodeId: string; path: string; level: number }[] = [{ nodeId: `i=${ObjectIds.ObjectsFolder}`, path: '', level: 0 }];
      while (queue.length > 0 && visited < MAX_NODES) {
        const node = queue.shift()!;
        const result = await session.browse({
          nodeId: node.nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: 'HierarchicalReferences',
          includeSubtypes: true,
          nodeClassMask: NodeClass.Object | NodeClass.Variable,
          resultMask: 0x3f,
        });
        for (const ref of result.references ?? []) {
          visited += 1;
          const nodeId = ref.nodeId.toString();
          // The server's own diagnostics (namespace 0) are not field devices.
          if (ref.nodeId.namespace === 0) continue;
          const path = node.path ? `${node.path}/${ref.browseName.name}` : String(ref.browseName.name);
          if (ref.nodeClass === NodeClass.Variable) {
            const dataType = await session.read({ nodeId, attributeId: 14 /* DataType, Part 6 §A.1 */ });
            const typeId = dataType.value.value as { value?: number; namespace?: number } | null;
            const name = typeId && typeId.namespace === 0 && typeof typeId.value === 'number' ? (DataType[typeId.value] ?? `i=${typeId.value}`) : String(typeId);
            variables.push({ node_id: nodeId, path, data_type: name });
          }
          if (node.level + 1 < depth) queue.push({ nodeId, path, level: node.level + 1 });
          else truncated += 1;
        }
        onProgress?.(visited);
      }
      return { endpoint, variables, truncated };
    } finally {
      await session.close();
    }
  } finally {
    clearTimeout(timer);
    await client.disconnect();
  }
}

/** Numeric OPC UA built-in types (Part 6 §5.1.2): the ones a profile channel can take. */
export const NUMERIC_TYPES = new Set(['Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double']);
