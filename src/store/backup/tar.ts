/**
 * tar.ts — a backup as one tar file (POSIX ustar/pax via tar-stream). Packing walks the backup
 * directory; unpacking accepts only the paths a backup holds (blobs named by their hash and the
 * files of snapshots), so a hostile archive cannot write outside the folder or anything else.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { StoreError } from '../errors.js';
import { SNAPSHOT_FILE, SNAPSHOT_ID } from './manifest.js';

const BLOB = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const SNAPSHOT = /^snapshots\/([^/]+)\/(.+)$/;

/** allowed tells whether a backup can hold `name`: a blob under its own hash, or a snapshot's file. */
function allowed(name: string): boolean {
  const blob = BLOB.exec(name);
  if (blob) return blob[2]!.startsWith(blob[1]!);
  const snap = SNAPSHOT.exec(name);
  return !!snap && SNAPSHOT_ID.test(snap[1]!) && SNAPSHOT_FILE.test(snap[2]!);
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** packTar writes every file under `dir` to the tar file `out`. */
export async function packTar(dir: string, out: string): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(out, { mode: 0o600, flags: 'wx' }));
  for await (const file of walk(dir)) {
    const name = relative(dir, file);
    const { size } = await stat(file);
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name, size, mode: 0o600 }, (err) => (err ? reject(err) : resolve()));
      createReadStream(file).on('error', reject).pipe(entry);
    });
  }
  pack.finalize();
  await written;
}

/** unpackTar extracts the backup tar `file` into `dir`, refusing any entry a backup cannot hold. */
export async function unpackTar(file: string, dir: string): Promise<void> {
  const extract = tar.extract();
  const source = createReadStream(file);
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' || !allowed(name))
        throw new StoreError('BACKUP_CORRUPT', `the tar file holds "${name}", which no backup holds`);
      const target = join(dir, name);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(entry, createWriteStream(target, { mode: 0o600, flags: 'wx' }));
    }
  } finally {
    source.destroy();
  }
}
