/**
 * archive.ts — a bag directory as one file (RFC 8493 §4.2 serialization: the archive holds one
 * top-level directory, the bag, named like the archive without its extension), and back.
 * ZIP (stored, not deflated: evidence is mostly compressed media, and a court's tools open
 * stored ZIPs everywhere; ZIP64 past 4 GiB) or POSIX tar (pax headers for long names).
 * Extraction reads attacker-controlled archives: only regular files and directories, no path
 * leaving the destination, bounded entry count.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { isSafeBagPath } from './bagit.js';

export type ArchiveFormat = 'zip' | 'tar';
const MAX_ENTRIES = 2_000_000;

/** archiveFormatOf tells whether `path` names a ZIP or tar file (else it is a directory). */
export function archiveFormatOf(path: string): ArchiveFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.zip')) return 'zip';
  if (p.endsWith('.tar')) return 'tar';
  return undefined;
}

/** listFiles returns every regular file under `dir`, as `/`-separated paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** writeArchive serialises the bag in `bagDir` as `file`, with top-level directory `name`. */
export async function writeArchive(
  bagDir: string,
  name: string,
  file: string,
  format: ArchiveFormat,
): Promise<void> {
  const files = await listFiles(bagDir);
  if (format === 'zip') {
    const zip = new yazl.ZipFile();
    // yazl reports a file it cannot read as an 'error' event on the ZipFile: without a listener
    // that would crash the process.
    const failed = new Promise<never>((_, reject) => zip.on('error', reject));
    for (const f of files) zip.addFile(join(bagDir, f), `${name}/${f}`, { compress: false });
    zip.end();
    await Promise.race([pipeline(zip.outputStream, createWriteStream(file)), failed]);
    return;
  }
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(file));
  for (const f of files) {
    const path = join(bagDir, f);
    const st = await stat(path);
    const entry = pack.entry({
      name: `${name}/${f}`,
      size: st.size,
      mode: 0o644,
      mtime: st.mtime,
      type: 'file',
    });
    await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), entry);
  }
  pack.finalize();
  await done;
}

/** ArchiveError says why an archive cannot be read as a bag. */
export class ArchiveError extends Error {}

function target(dest: string, name: string): string {
  const clean = name.replace(/\/+$/, '');
  if (!isSafeBagPath(clean))
    throw new ArchiveError(`unsafe path in archive: ${JSON.stringify(name.slice(0, 200))}`);
  return join(dest, ...clean.split('/'));
}

/**
 * extractArchive unpacks `file` into `dest` and returns the bag directory inside it (the single
 * top-level directory).
 */
export async function extractArchive(file: string, dest: string, format: ArchiveFormat): Promise<string> {
  const tops = new Set<string>();
  let count = 0;
  const note = (name: string) => {
    if (++count > MAX_ENTRIES) throw new ArchiveError('too many entries in archive');
    tops.add(name.split('/')[0]!);
  };
  if (format === 'tar') {
    const extract = tar.extract();
    const reading = pipeline(createReadStream(file), extract);
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type === 'directory') {
        await mkdir(target(dest, name), { recursive: true });
        entry.resume();
        continue;
      }
      if (type !== 'file')
        throw new ArchiveError(`archive entry ${name.slice(0, 200)} is a ${type}, not a file`);
      note(name);
      const path = target(dest, name);
      await mkdir(dirname(path), { recursive: true });
      await pipeline(entry, createWriteStream(path, { flags: 'wx' }));
    }
    await reading;
  } else {
    const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
      yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, z) =>
        err ? rej(new ArchiveError(`not a readable ZIP: ${err.message}`)) : res(z),
      ),
    );
    await new Promise<void>((res, rej) => {
      zip.on('error', (e: Error) => rej(new ArchiveError(`not a readable ZIP: ${e.message}`)));
      zip.on('end', () => res());
      zip.on('entry', (e: yauzl.Entry) => {
        const work = async () => {
          if (e.fileName.endsWith('/')) {
            await mkdir(target(dest, e.fileName), { recursive: true });
            return;
          }
          // Unix mode in the high bits: refuse symbolic links (0o120000).
          const mode = (e.externalFileAttributes >>> 16) & 0o170000;
          if (mode !== 0 && mode !== 0o100000)
            throw new ArchiveError(`archive entry ${e.fileName} is not a regular file`);
          note(e.fileName);
          const path = target(dest, e.fileName);
          await mkdir(dirname(path), { recursive: true });
          const stream = await new Promise<NodeJS.ReadableStream>((r, j) =>
            zip.openReadStream(e, (err, s) => (err ? j(err) : r(s))),
          );
          await pipeline(stream, createWriteStream(path, { flags: 'wx' }));
        };
        work().then(
          () => zip.readEntry(),
          (err) => {
            zip.close();
            rej(err);
          },
        );
      });
      zip.readEntry();
    });
  }
  if (tops.size !== 1)
    throw new ArchiveError('the archive must hold exactly one top-level directory, the bag');
  return join(dest, [...tops][0]!);
}
