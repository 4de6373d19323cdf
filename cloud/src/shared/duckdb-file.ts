import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Files open in this process. DuckDB's file lock only stops other processes; two instances in one process would corrupt the file. */
const openFiles = new Set<string>();

export interface DuckDbFile {
  instance: DuckDBInstance;
  /** Closes the instance and releases the file. */
  close(): void;
}

/**
 * Opens (creating if needed) a DuckDB database file, once per process.
 * A second process on the same file fails on DuckDB's lock; the caller wraps
 * either error in its own catalogue entry.
 */
export async function openDuckDbFile(file: string): Promise<DuckDbFile> {
  const memory = file === ':memory:';
  const key = memory ? file : resolve(file);
  if (!memory) {
    if (openFiles.has(key)) throw new Error(`${key} is already open in this process`);
    await mkdir(dirname(key), { recursive: true });
    openFiles.add(key);
  }
  try {
    const instance = await DuckDBInstance.create(file);
    return {
      instance,
      close() {
        instance.closeSync();
        openFiles.delete(key);
      },
    };
  } catch (err) {
    openFiles.delete(key);
    throw err;
  }
}

/** First line of a DuckDB error message: the rest is a stack of internal frames. */
export function duckDbReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
