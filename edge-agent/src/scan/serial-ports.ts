import { readdir, realpath } from 'node:fs/promises';
import { autoDetect } from '@serialport/bindings-cpp';

export interface SerialPortListing {
  /** Device paths, stable /dev/serial/by-id links first. */
  ports: string[];
  /** Set when the system list was unavailable and the fallback was used: says why, for the technician. */
  note: string | undefined;
}

const DEV_PATTERN = /^tty(USB|ACM|S)\d+$/;

/**
 * Serial ports of this machine. @serialport/bindings-cpp lists ports through
 * `udevadm`, which containers and minimal images lack; then the by-id links
 * and /dev/tty{USB,ACM,S}* are listed instead (ttyS* always exist on PCs, most
 * are not wired).
 */
export async function listSerialPorts(): Promise<SerialPortListing> {
  try {
    const listed = await autoDetect().list();
    if (listed.length > 0) return { ports: listed.map((p) => p.path), note: undefined };
  } catch (err) {
    return { ports: await fallbackPorts(), note: `system port list unavailable (${(err as Error).message}); listed /dev/serial/by-id and /dev/tty{USB,ACM,S}* instead` };
  }
  return { ports: await fallbackPorts(), note: 'system port list was empty; listed /dev/serial/by-id and /dev/tty{USB,ACM,S}* instead' };
}

async function fallbackPorts(): Promise<string[]> {
  const byId = (await readdir('/dev/serial/by-id').catch(() => [] as string[])).map((name) => `/dev/serial/by-id/${name}`);
  // A by-id link and its target are one port: keep the stable name only.
  const targets = new Set(await Promise.all(byId.map((link) => realpath(link).catch(() => link))));
  const dev = (await readdir('/dev').catch(() => [] as string[]))
    .filter((name) => DEV_PATTERN.test(name))
    .map((name) => `/dev/${name}`)
    .filter((path) => !targets.has(path))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return [...byId.sort(), ...dev];
}
