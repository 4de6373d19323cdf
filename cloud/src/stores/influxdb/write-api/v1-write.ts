import type { LineWriterFactory } from './line-writer.ts';

/** `POST /write?db=&precision=ns`: the InfluxDB 1.x API (also served by InfluxDB 3.x and VictoriaMetrics). */
export const v1Write: LineWriterFactory = (influx, config) => {
  const path = `/write?${new URLSearchParams({ db: config.database, precision: 'ns' })}`;
  return {
    async write(lines) {
      await influx.transport.request(path, lines.join('\n'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    },
  };
};
