import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caseFixture, copyBag, runVerifyMjs } from '../../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../../test/support/stores.js';
import { signCheckpoint as signCp } from '../../lib/checkpoint.js';
import { generateSignerKey, parseSignerKey } from '../../lib/note.js';
import { CLI_VIEWER } from '../viewer.js';
import { exportPackage } from './build.js';
import { verifyPackage } from './verify.js';

/** flip changes one byte of a file in place. */
function flip(path: string, at = 0): void {
  const b = readFileSync(path);
  b[at] = b[at]! ^ 0x01;
  writeFileSync(path, b);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: export package → verify`, () => {
    let s: TestStore;
    let dir: string;
    let bag: string;
    let key: string;
    before(async () => {
      s = await openTestStore(dialect);
      dir = scratchDir('attest-pkg-');
      const fx = await caseFixture(s.ctx);
      bag = join(dir, 'case-package');
      const res = await exportPackage(s.ctx, CLI_VIEWER, { target: fx.caseRef, out: bag });
      assert.equal(res.items, 3);
      key = s.ctx.logKey.verifierKey;
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await s.close();
    });

    it('passes both verifiers, with the pinned key', async () => {
      const report = await verifyPackage(bag, { key });
      assert.deepEqual(report.failures, []);
      assert.equal(report.ok, true);
      const mjs = runVerifyMjs(bag, ['--key', key]);
      assert.deepEqual(mjs.failures, []);
      assert.equal(mjs.code, 0);
    });

    it('passes sha256sum -c on both manifests from the bag root', () => {
      for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
        const res = spawnSync('sha256sum', ['-c', '--strict', m], { cwd: bag, encoding: 'utf8' });
        assert.equal(res.status, 0, `sha256sum -c ${m}: ${res.stdout}${res.stderr}`);
      }
    });

    it('appended one export entry per item, and the bag carries them', () => {
      const entries = readFileSync(join(bag, 'attest/custody-entries.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(JSON.parse(l).payload) as { kind: string });
      assert.equal(entries.filter((e) => e.kind === 'export').length, 3);
      assert.equal(entries.filter((e) => e.kind === 'ingest').length, 3);
    });

    const tamper: [string, (b: string) => void, string[]][] = [
      ['a flipped payload byte', (b) => flip(join(b, 'data/ATT-000001/ATT-000001.txt'), 3), ['payload-hash']],
      [
        'an edited manifest line',
        (b) => {
          const p = join(b, 'manifest-sha256.txt');
          const t = readFileSync(p, 'utf8');
          writeFileSync(
            p,
            t.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0')),
          );
        },
        ['payload-hash', 'tag-hash', 'item-hash'],
      ],
      [
        'a removed payload file',
        (b) => unlinkSync(join(b, 'data/ATT-000002/metadata.json')),
        ['missing-file', 'payload-oxum'],
      ],
      [
        'an added payload file',
        (b) => writeFileSync(join(b, 'data/ATT-000001/extra.txt'), 'planted'),
        ['unlisted-file', 'payload-oxum'],
      ],
      [
        'an altered custody entry',
        (b) => {
          const p = join(b, 'attest/custody-entries.jsonl');
          writeFileSync(p, readFileSync(p, 'utf8').replace('"kind\\":\\"ingest', '"kind\\":\\"view'));
        },
        ['leaf-hash', 'tag-hash', 'item-entries'],
      ],
      [
        'an altered proof hash',
        (b) => {
          const p = join(b, 'attest/inclusion-proofs.json');
          const j = JSON.parse(readFileSync(p, 'utf8'));
          const first = j.proofs.find((x: { path: string[] }) => x.path.length > 0);
          first.path[0] = first.path[0].replace(/^./, (c: string) => (c === 'a' ? 'b' : 'a'));
          writeFileSync(p, JSON.stringify(j));
        },
        ['inclusion-proof', 'tag-hash'],
      ],
      [
        'a checkpoint signed by another key',
        (b) => {
          const other = parseSignerKey(generateSignerKey(s.ctx.logKey.origin));
          const p = join(b, 'attest/checkpoint.txt');
          const body = readFileSync(p, 'utf8');
          const [origin, size, root] = body.split('\n');
          writeFileSync(
            p,
            signCp({ origin: origin!, size: Number(size), root: Buffer.from(root!, 'base64') }, other),
          );
        },
        ['checkpoint-signature', 'pinned-key', 'tag-hash'],
      ],
    ];
    tamper.forEach(([what, change, reasons], i) => {
      it(`fails on ${what}, naming ${reasons.join(' and ')}, in both verifiers`, async () => {
        const copy = copyBag(bag, join(dir, `tamper-${i}`));
        change(copy);
        const report = await verifyPackage(copy, { key });
        assert.equal(report.ok, false);
        assert.deepEqual(
          [...new Set(report.failures.map((f) => f.check))].sort(),
          [...reasons].sort(),
          JSON.stringify(report.failures),
        );
        const mjs = runVerifyMjs(copy, ['--key', key]);
        assert.equal(mjs.code, 1);
        assert.deepEqual(
          [...new Set(mjs.failures.map((f) => f.check))].sort(),
          [...reasons].sort(),
          JSON.stringify(mjs.failures),
        );
      });
    });

    it('does not follow a payload file replaced by a link to a file outside the bag, in both verifiers', async () => {
      const copy = copyBag(bag, join(dir, 'symlink'));
      // The outside file has the very bytes the manifest expects: following the link would pass.
      const outside = join(dir, 'outside.txt');
      writeFileSync(outside, readFileSync(join(copy, 'data/ATT-000001/ATT-000001.txt')));
      unlinkSync(join(copy, 'data/ATT-000001/ATT-000001.txt'));
      symlinkSync(outside, join(copy, 'data/ATT-000001/ATT-000001.txt'));
      const report = await verifyPackage(copy, { key });
      assert.equal(report.ok, false);
      assert.ok(
        report.failures.some((f) => f.check === 'not-a-file' && f.detail.includes('ATT-000001.txt')),
        JSON.stringify(report.failures),
      );
      assert.ok(!report.failures.some((f) => f.check === 'payload-hash'));
      const mjs = runVerifyMjs(copy, ['--key', key]);
      assert.equal(mjs.code, 1);
      assert.ok(
        mjs.failures.some((f) => f.check === 'not-a-file'),
        JSON.stringify(mjs.failures),
      );
    });

    it('names a swapped key and checkpoint (tag manifest redone) only through the pinned key', async () => {
      const copy = copyBag(bag, join(dir, 'swap-key'));
      const other = parseSignerKey(generateSignerKey(s.ctx.logKey.origin));
      const cpPath = join(copy, 'attest/checkpoint.txt');
      const [origin, size, root] = readFileSync(cpPath, 'utf8').split('\n');
      writeFileSync(
        cpPath,
        signCp({ origin: origin!, size: Number(size), root: Buffer.from(root!, 'base64') }, other),
      );
      writeFileSync(join(copy, 'attest/verifier-key.txt'), `${other.verifierKey}\n`);
      const tm = spawnSync(
        'sh',
        ['-c', "sha256sum $(awk '{print $2}' tagmanifest-sha256.txt) > t && mv t tagmanifest-sha256.txt"],
        { cwd: copy },
      );
      assert.equal(tm.status, 0);
      const unpinned = await verifyPackage(copy);
      assert.equal(unpinned.ok, true, 'without a pinned key the forgery is self-consistent');
      assert.equal(unpinned.warnings[0]?.check, 'pinned-key');
      const pinned = await verifyPackage(copy, { key });
      assert.deepEqual(
        pinned.failures.map((f) => f.check),
        ['pinned-key'],
      );
      assert.deepEqual(
        runVerifyMjs(copy, ['--key', key]).failures.map((f) => f.check),
        ['pinned-key'],
      );
      appendFileSync(join(copy, 'README.txt'), '');
    });
  });
}
