import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync of a directory makes a created, renamed or deleted entry in it durable (POSIX fsync(2), Linux ext4/xfs). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that readers and crashes see either the old
 * or the new content, never a mix: write a temp file, fsync it, rename it over
 * the old one (atomic on POSIX), fsync the directory. `durable: false` skips
 * the fsyncs for files that are rewritten every few seconds anyway (status):
 * still atomic for readers, but a power cut may keep the previous version.
 */
export async function writeFileAtomic(path: string, data: string, options: { durable?: boolean } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  if (durable) await syncDir(dirname(path));
}
