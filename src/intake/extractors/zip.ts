/**
 * zip.ts — zip archives: every member becomes a derived item (kind `member`), and each member
 * gets its own intake job one level deeper, so archives inside archives are opened recursively up
 * to ATTEST_INTAKE_MAX_DEPTH. Read with yauzl from the central directory (APPNOTE.TXT §4.3.12),
 * and every member is checked before a byte is inflated:
 *
 * - member count ≤ maxArchiveMembers, declared total ≤ maxArchiveBytes;
 * - uncompressed ÷ compressed ≤ maxCompressionRatio per member (zip bombs: 42.zip-style members
 *   expand ~1000× and more; ordinary documents stay under ~20×);
 * - no absolute paths, drive letters or `..` segments (zip-slip), no symbolic links (Unix mode
 *   0o120000 in the external attributes), no encrypted members (general purpose bit 0);
 * - while inflating, yauzl checks the bytes against the declared sizes, and the running total is
 *   checked again, so a lying header cannot get past the limits.
 *
 * Any violation fails the job with its code; nothing of the archive is recorded, the original
 * stays as it was.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';

export const ZIP_TOOL = 'yauzl';
export const ZIP_TOOL_VERSION = '3';
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Version made by: upper byte 3 = Unix (APPNOTE.TXT §4.4.2), whose attributes carry the mode. */
const MADE_BY_UNIX = 3;

export const zipExtractor: Extractor = {
  name: 'zip',
  accepts: (mediaType) => mediaType === 'application/zip',
  async extract(input: ExtractInput): Promise<Extraction> {
    if (input.depth > input.limits.maxDepth) {
      throw new IntakeError(
        'TOO_DEEP',
        `archive nested ${input.depth} levels deep, over the limit of ${input.limits.maxDepth} (ATTEST_INTAKE_MAX_DEPTH)`,
      );
    }
    const zip = await openZip(input.path);
    try {
      if (zip.entryCount > input.limits.maxArchiveMembers) {
        throw new IntakeError(
          'TOO_MANY_MEMBERS',
          `the archive has ${zip.entryCount} members, over the limit of ${input.limits.maxArchiveMembers} (ATTEST_INTAKE_MAX_ARCHIVE_MEMBERS)`,
        );
      }
      const entries = await readEntries(zip);
      const files = checkEntries(entries, input);
      const derivatives: Derivative[] = [];
      let total = 0;
      for (const [n, { entry, index }] of files.entries()) {
        input.signal.throwIfAborted();
        const path = join(input.tmpDir, `m${index}`);
        total += await inflateTo(zip, entry, path, input, total);
        derivatives.push({
          kind: 'member',
          key: `member:${index}`,
          content: { path },
          originalName: entry.fileName,
          title: `${entry.fileName.split('/').pop() || entry.fileName} (in an archive)`,
          tool: ZIP_TOOL,
          toolVersion: ZIP_TOOL_VERSION,
          metadata: {
            path: entry.fileName.slice(0, 1000),
            modified: entry.getLastModDate().toISOString(),
            compressedSize: entry.compressedSize,
          },
          intakeDepth: input.depth + 1,
        });
        await input.report(((n + 1) / files.length) * 100, `member ${n + 1} of ${files.length}`);
      }
      return {
        facts: {
          format: 'zip',
          members: files.length,
          directories: entries.length - files.length,
          uncompressedBytes: total,
          comment: zip.comment ? zip.comment.slice(0, 500) : null,
        },
        derivatives,
      };
    } finally {
      zip.close();
    }
  },
};

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: true,
        validateEntrySizes: true,
        strictFileNames: false,
      },
      (err, zip) =>
        err ? reject(new IntakeError('MALFORMED', `not a readable zip: ${err.message}`)) : resolve(zip!),
    );
  });
}

function readEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const out: Entry[] = [];
    zip.on('entry', (e: Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (err: Error) =>
      // yauzl itself refuses absolute paths, `..` segments and backslashes in names (zip-slip).
      reject(
        /absolute path|relative path|invalid characters/i.test(err.message)
          ? new IntakeError('UNSAFE_PATH', `a member has an unsafe path: ${err.message}`)
          : new IntakeError('MALFORMED', `the zip directory is broken: ${err.message}`),
      ),
    );
    zip.readEntry();
  });
}

/** checkEntries applies every limit to the central directory and returns the file members. */
function checkEntries(entries: readonly Entry[], input: ExtractInput): { entry: Entry; index: number }[] {
  const { maxArchiveBytes, maxCompressionRatio } = input.limits;
  let declared = 0;
  const files: { entry: Entry; index: number }[] = [];
  for (const [index, e] of entries.entries()) {
    const name = e.fileName;
    // Names are attacker-controlled: judged as text, never joined to a path on disk.
    if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name) || name.split(/[/\\]/).includes('..')) {
      throw new IntakeError('UNSAFE_PATH', `member ${index} has an unsafe path (absolute or with "..")`);
    }
    const madeBy = e.versionMadeBy >> 8;
    if (madeBy === MADE_BY_UNIX && ((e.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
      throw new IntakeError('UNSAFE_PATH', `member ${index} is a symbolic link`);
    }
    if (e.isEncrypted())
      throw new IntakeError('ENCRYPTED', `member ${index} is encrypted; give the archive unencrypted`);
    if (name.endsWith('/')) continue;
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (ratio > maxCompressionRatio) {
      throw new IntakeError(
        'ZIP_BOMB',
        `member ${index} expands ${Math.round(ratio)}× (limit ${maxCompressionRatio}×, ATTEST_INTAKE_MAX_COMPRESSION_RATIO)`,
      );
    }
    declared += e.uncompressedSize;
    if (declared > maxArchiveBytes) {
      throw new IntakeError(
        'ZIP_BOMB',
        `the archive expands to more than ${maxArchiveBytes} bytes (ATTEST_INTAKE_MAX_ARCHIVE_BYTES)`,
      );
    }
    files.push({ entry: e, index });
  }
  return files;
}

/** inflateTo writes one member to `path`, counting bytes against the archive's limit. */
async function inflateTo(
  zip: ZipFile,
  entry: Entry,
  path: string,
  input: ExtractInput,
  before: number,
): Promise<number> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    zip.openReadStream(entry, (err, s) =>
      err ? reject(new IntakeError('MALFORMED', `member cannot be read: ${err.message}`)) : resolve(s!),
    );
  });
  let bytes = 0;
  const limit = input.limits.maxArchiveBytes;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (before + bytes > limit)
        done(new IntakeError('ZIP_BOMB', `the archive expands to more than ${limit} bytes`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, counter, createWriteStream(path, { mode: 0o600 }), { signal: input.signal });
  } catch (err) {
    if (err instanceof IntakeError) throw err;
    throw new IntakeError('MALFORMED', `member cannot be inflated: ${(err as Error).message}`);
  }
  return bytes;
}
