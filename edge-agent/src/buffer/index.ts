export { DurableBuffer, type BufferedRecord, type BufferOptions, type BufferStats } from './durable-buffer.ts';
