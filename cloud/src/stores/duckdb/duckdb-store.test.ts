import { storeContract } from '../testing/store-contract.ts';
import { duckdbStore, duckdbStoreFile } from './duckdb-store.ts';

storeContract({ name: 'duckdb', create: (dir) => duckdbStore({ file: duckdbStoreFile(dir) }) });
