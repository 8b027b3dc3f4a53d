/**
 * stage-and-die.ts — a process that stores bytes for an item and is killed (SIGKILL) before it
 * records the item, as a crash during `attest add` would leave it (issue 18.9). Run as
 * `node --import tsx stage-and-die.ts <dataDir> [databaseUrl]`; it prints the staged SHA-256
 * before it dies.
 */
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { stageContent } from '../../src/vault/index.js';

const [dataDir, databaseUrl = ''] = process.argv.slice(2);
const store = await openStore(loadConfig({ ATTEST_DATA: dataDir!, DATABASE_URL: databaseUrl }));
const staged = await stageContent(store.ctx, Readable.from([Buffer.from(`staged by ${process.pid}`)]), {
  originalName: 'killed.txt',
  provenance: { source: 'synthetic', collectedAt: 'unknown', collectedBy: 'unknown' },
  actor: 'cli',
});
process.stdout.write(`${staged.blob.sha256}\n`, () => process.kill(process.pid, 'SIGKILL'));
