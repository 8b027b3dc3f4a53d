/**
 * verify.ts — the vault half of `attest verify`: every blob is re-hashed once, every item row
 * must point at a stored blob of the recorded size and hash. Each problem names the ERN. Two
 * parts, because `attest verify` reads the records in one snapshot of the database: the records
 * against the bytes (in the snapshot), then the bytes no record names (against the database as
 * it is afterwards: a blob stored for an item committed after the snapshot began is not an
 * orphan, though the snapshot does not know its item).
 */
import type { Ctx } from '../ctx.js';
import type { Problem } from '../custody/index.js';
import { findUnreferencedBlobs } from './gc.js';

export type VerifyProgress = (done: number, total: number) => void;

/** verifyVault re-hashes every blob, checks every item against it, and names orphan blobs. */
export async function verifyVault(ctx: Ctx, onProgress?: VerifyProgress): Promise<Problem[]> {
  return [...(await verifyVaultRecords(ctx, onProgress)), ...(await verifyBlobOrphans(ctx))];
}

/** verifyVaultRecords re-hashes every blob the records name and checks every item against it. */
export async function verifyVaultRecords(ctx: Ctx, onProgress?: VerifyProgress): Promise<Problem[]> {
  const problems: Problem[] = [];
  const blobs = await ctx.db.selectFrom('blob').select(['sha256', 'size']).execute();
  const blobState = new Map<string, { size: number; status: string }>();
  let done = 0;
  for (const b of blobs) {
    const v = await ctx.blobs.verify(b.sha256);
    blobState.set(b.sha256, { size: Number(b.size), status: v.status });
    if (v.status === 'missing') {
      problems.push({
        code: 'blob-missing',
        subject: b.sha256,
        message: `blob ${b.sha256} is missing from the store`,
      });
    } else if (v.status === 'corrupt') {
      problems.push({
        code: 'blob-corrupt',
        subject: b.sha256,
        message: `blob ${b.sha256} re-hashes to ${v.actualSha256} (${v.actualSize} bytes)`,
      });
    } else if (v.actualSize !== Number(b.size)) {
      problems.push({
        code: 'blob-size',
        subject: b.sha256,
        message: `blob ${b.sha256} has ${v.actualSize} bytes, recorded ${b.size}`,
      });
    }
    onProgress?.(++done, blobs.length);
  }
  const referenced = new Set<string>();
  const items = await ctx.db
    .selectFrom('item')
    .select(['ern', 'ern_seq', 'blob_sha256', 'size'])
    .orderBy('ern_seq')
    .execute();
  for (const item of items) {
    referenced.add(item.blob_sha256);
    const blob = blobState.get(item.blob_sha256);
    if (!blob) {
      problems.push({
        code: 'item-blob-unknown',
        subject: item.ern,
        message: `${item.ern} points at unknown blob ${item.blob_sha256}`,
      });
      continue;
    }
    if (blob.status !== 'ok') {
      problems.push({
        code: `item-${blob.status}`,
        subject: item.ern,
        message: `${item.ern}: its bytes are ${blob.status} (blob ${item.blob_sha256})`,
      });
    }
    if (Number(item.size) !== blob.size) {
      problems.push({
        code: 'item-size',
        subject: item.ern,
        message: `${item.ern} records ${item.size} bytes, its blob ${blob.size}`,
      });
    }
  }
  for (const b of blobs) {
    if (!referenced.has(b.sha256)) {
      problems.push({
        code: 'blob-unreferenced',
        subject: b.sha256,
        message: `blob row ${b.sha256} belongs to no item`,
      });
    }
  }
  return problems;
}

/** verifyBlobOrphans names stored bytes nothing names and no ingest in progress holds (issues 18.9, 12.7). */
export async function verifyBlobOrphans(ctx: Ctx): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const orphan of await findUnreferencedBlobs(ctx)) {
    problems.push({
      code: 'blob-orphan',
      subject: orphan.sha256,
      message: `stored blob ${orphan.sha256} (${orphan.size} bytes) is referenced by no item (left by a crash or a refused upload); \`attest gc --apply\` removes it`,
    });
  }
  return problems;
}
