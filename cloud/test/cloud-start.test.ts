import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloud } from '../src/cloud.ts';

describe('createCloud start-up failures', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-cloud-start-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a data directory it cannot use', async () => {
    await writeFile(join(dir, 'a-file'), '');
    await expect(createCloud({ dataDir: join(dir, 'a-file', 'data') })).rejects.toMatchObject({ code: 'ZENNE_ERR_CLOUD_DATA_DIR_UNUSABLE' });
  });

  it('names a taken port, and stop() then releases everything', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const cloud = await createCloud({ dataDir: dir, mqttPort: port, httpPort: 0 });
      await expect(cloud.start()).rejects.toMatchObject({ code: 'ZENNE_ERR_CLOUD_LISTEN_FAILED', message: expect.stringContaining('MQTT') });
      await cloud.stop();
      // The files are released: a new cloud opens the same data directory.
      const again = await createCloud({ dataDir: dir, mqttPort: 0, httpPort: 0 });
      await again.stop();
    } finally {
      squatter.close();
    }
  });
});
