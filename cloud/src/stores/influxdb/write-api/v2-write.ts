import type { LineWriterFactory } from './line-writer.ts';

/**
 * The client's write API, `POST /api/v2/write?org=&bucket=&precision=ns`
 * (InfluxDB 2.x and 3.x, VictoriaMetrics). One WriteApi per call, sized so
 * that nothing flushes before close(): the lines go out as one request, and
 * with no retries the outcome is the call's own. Retrying is the caller's job
 * (ingest withholds the ack and the gateway resends).
 */
export const v2Write: LineWriterFactory = (influx, config) => ({
  async write(lines) {
    const api = influx.getWriteApi(config.org, config.bucket ?? config.database, 'ns', {
      batchSize: lines.length + 1,
      maxBufferLines: lines.length + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      // A returned promise settles the write without the client's own console log;
      // the store reports the failure once, as ZENNE_ERR_STORE_WRITE_FAILED.
      writeFailed: (error) => Promise.reject(error),
    });
    api.writeRecords([...lines]);
    await api.close();
  },
});
