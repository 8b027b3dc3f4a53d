/**
 * blobs.test.ts — `attest blobs migrate` from files to an S3-protocol server and back, each blob
 * verified; `attest verify` re-hashing from S3 and naming a corrupted object (issue 21.1).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { runCli } from '../../../test/support/cli.js';
import { startTestS3, type TestS3 } from '../../../test/support/s3.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../../test/support/stores.js';

const PROV = ['--source', 'synthetic test', '--collected-by', 'monitor-01', '--collected-at', '2016-12-18'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest blobs migrate (issue 21.1)`, () => {
    let dir: string;
    let s3: TestS3;
    let files: NodeJS.ProcessEnv;
    let onS3: NodeJS.ProcessEnv;
    const contents = ['first report', 'شهادة مكتوبة بالعربية', 'x'.repeat(300_000)];
    before(async () => {
      dir = scratchDir('cli-blobs-');
      s3 = await startTestS3();
      const base = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const { ATTEST_BLOBS: _, ...s3Settings } = s3.env;
      files = { ...base, ...s3Settings };
      onS3 = { ...base, ...s3.env };
      const tree = join(dir, 'tree');
      mkdirSync(tree);
      for (const [i, c] of contents.entries()) writeFileSync(join(tree, `doc-${i}.txt`), c);
      const r = await runCli(['add', ...PROV, tree], files);
      assert.equal(r.code, 0, r.stderr);
    });
    after(async () => s3?.stop());

    it('copies every blob to S3, verified, and says to switch ATTEST_BLOBS', async () => {
      const r = await runCli(['blobs', 'migrate', '--to', s3.env.ATTEST_BLOBS ?? '', '--json'], files);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout);
      assert.equal(out.copied, 3);
      assert.equal(out.present, 0);
      assert.equal(out.recorded, 3);
      assert.deepEqual(out.problems, []);
      assert.deepEqual(out.missing, []);
    });

    it('a second run copies nothing and still verifies what is there', async () => {
      const r = await runCli(['blobs', 'migrate', '--to', s3.env.ATTEST_BLOBS ?? ''], files);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /0 copied \(0 bytes\), 3 already at s3:\/\//);
      assert.match(r.stderr, /all verified: set ATTEST_BLOBS=s3:\/\//);
    });

    it('serves from S3: verify re-hashes from the object store, get returns the bytes', async () => {
      const v = await runCli(['verify'], onS3);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      const out = join(dir, 'copy.txt');
      const g = await runCli(['get', 'ATT-000002', '--out', out], onS3);
      assert.equal(g.code, 0, g.stderr);
      assert.equal(readFileSync(out, 'utf8'), contents[1]);
    });

    it('adds straight to S3', async () => {
      const file = join(dir, 'new.txt');
      writeFileSync(file, 'added with ATTEST_BLOBS=s3://');
      const r = await runCli(['add', ...PROV, file], onS3);
      assert.equal(r.code, 0, r.stderr);
      const v = await runCli(['verify'], onS3);
      assert.equal(v.code, 0, v.stdout + v.stderr);
    });

    it('refuses to migrate onto the store in use, and names an unsupported location', async () => {
      const same = await runCli(['blobs', 'migrate', '--to', s3.env.ATTEST_BLOBS ?? ''], onS3);
      assert.equal(same.code, 2, same.stderr);
      assert.match(same.stderr, /already uses/);
      const ftp = await runCli(['blobs', 'migrate', '--to', 'ftp://host/x'], onS3);
      assert.notEqual(ftp.code, 0);
      assert.match(ftp.stderr, /"ftp:\/\/" is not supported/);
    });

    it('back to files: a blob corrupted in S3 is named by verify and by migrate, and is not copied', async () => {
      const show = await runCli(['show', 'ATT-000001', '--json'], onS3);
      const sha256 = JSON.parse(show.stdout).sha256 as string;
      await s3.raw.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${s3.prefix}sha256/${sha256.slice(0, 2)}/${sha256}`,
          Body: 'tampered in the bucket',
        }),
      );
      const v = await runCli(['verify'], onS3);
      assert.equal(v.code, 1);
      assert.match(v.stdout + v.stderr, new RegExp(`blob-corrupt.*${sha256}|${sha256}.*re-hashes`));
      const back = join(dir, 'blobs-back');
      const m = await runCli(['blobs', 'migrate', '--to', back, '--json'], onS3);
      assert.equal(m.code, 1, m.stderr);
      const out = JSON.parse(m.stdout);
      assert.equal(out.copied, 3);
      assert.deepEqual(
        out.problems.map((p: { code: string; sha256: string }) => `${p.code} ${p.sha256}`),
        [`source-corrupt ${sha256}`],
      );
      assert.deepEqual(out.missing, [sha256]);
    });
  });
}
