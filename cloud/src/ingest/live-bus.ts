import { EventEmitter } from 'node:events';
import type { Reading } from '@zenne/device-profiles';

interface LiveBusEvents {
  /** A reading newly stored (never a duplicate), after its batch was acknowledged. */
  reading: [Reading];
}

/** In-process fan-out of stored readings to live consumers (SSE). Listeners must not throw. */
export class LiveBus extends EventEmitter<LiveBusEvents> {
  constructor() {
    super();
    // One listener per open SSE stream; their number is bounded by the HTTP server, not here.
    this.setMaxListeners(0);
  }
}
