export {
  bufferFullPolicies,
  DurableBuffer,
  type BufferedRecord,
  type BufferFullPolicy,
  type BufferOptions,
  type BufferStats,
  type LossReason,
} from './durable-buffer.ts';
