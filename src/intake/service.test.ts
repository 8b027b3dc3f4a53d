import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  loopingPdf,
  makeManyMemberZip,
  makeNestedEmail,
  makeZip,
  pngDeclaring,
} from '../../test/support/intake-fixtures.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { itemEntries } from '../custody/index.js';
import { searchIndexJob } from '../search/index.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { listJobs } from '../store/jobs.js';
import { addContent, getItem } from '../vault/index.js';
import { INTAKE_JOB_KINDS as JOB_KINDS } from './index.js';
import { nearDuplicatesForItem } from './near-duplicates.js';
import { intakeState } from './service.js';

const PROVENANCE = { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' };

/** runAll drains the queue with one worker, step by step. */
export async function runAll(store: TestStore): Promise<void> {
  const worker = new Worker(store.ctx, new JobRegistry(JOB_KINDS), { id: 'worker:test' });
  while (await worker.runOnce()) {}
}

/** add stores `bytes` as an item in `compartment` and returns it. */
export async function add(store: TestStore, bytes: Uint8Array, name: string, compartment = 'general') {
  const outcome = await addContent(store.ctx, Readable.from([bytes]), {
    originalName: name,
    provenance: PROVENANCE,
    compartment,
    actor: 'user-1',
    allowDuplicate: true,
  });
  return outcome.item;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: intake`, () => {
    let store: TestStore;
    before(async () => {
      // A parser that loops is stopped by the child's time limit: keep it short here.
      store = await openTestStore(dialect, { ATTEST_INTAKE_TOOL_TIMEOUT_MS: '20000' });
    });
    after(() => store.close());

    it('enqueues an intake job with each new item, in the same transaction', async () => {
      const item = await add(store, Buffer.from('hello'), 'a.txt');
      const jobs = await listJobs(store.ctx, { itemId: item.id });
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.kind, 'intake');
      assert.equal(jobs[0]!.compartment, 'general');
    });

    it('derives UTF-8 text from Windows-1256 Arabic, leaves the original, logs a derive entry', async () => {
      // "حلب الشرقية" (eastern Aleppo) in Windows-1256.
      const cp1256 = Buffer.from([0xcd, 0xe1, 0xc8, 0x20, 0xc7, 0xe1, 0xd4, 0xd1, 0xde, 0xed, 0xc9]);
      const item = await add(store, cp1256, 'arabic.txt', 'witness');
      await runAll(store);
      const state = await intakeState(store.ctx, item);
      assert.equal(state.state, 'done', JSON.stringify(state.job));
      const text = state.derived.find((d) => d.kind === 'text');
      assert.ok(text, 'a text derivative');
      assert.equal(text.item.parentItemId, item.id);
      assert.equal(text.item.compartment, 'witness', 'derivatives stay in the compartment');
      assert.equal(text.item.source, PROVENANCE.source, 'provenance inherited');
      assert.equal(text.tool, 'attest-text');
      const chunks: Buffer[] = [];
      for await (const c of store.ctx.blobs.get(text.item.sha256)) chunks.push(c as Buffer);
      assert.equal(Buffer.concat(chunks).toString('utf8'), 'حلب الشرقية');
      const meta = state.derived.find((d) => d.kind === 'metadata');
      assert.ok(meta);
      const again = await getItem(store.ctx, item.ern);
      assert.equal(again.sha256, item.sha256, 'original unchanged');
      assert.equal(again.metadata.derivation, undefined);
      const entries = await itemEntries(store.ctx, text.item.id);
      assert.deepEqual(
        entries.map((e) => e.kind),
        ['derive'],
      );
      assert.equal(entries[0]!.data?.parent, item.id);
      assert.equal(entries[0]!.data?.tool, 'attest-text@1');
    });

    it('feeds search: a search-index job follows intake and indexes the extracted text', async () => {
      // "قافلة الراموسة" in Windows-1256: only the extracted UTF-8 text can be indexed.
      const cp1256 = Buffer.from([
        0xde, 0xc7, 0xdd, 0xe1, 0xc9, 0x20, 0xc7, 0xe1, 0xd1, 0xc7, 0xe3, 0xe6, 0xd3, 0xc9,
      ]);
      const item = await add(store, cp1256, 'convoy.txt');
      const worker = new Worker(store.ctx, new JobRegistry([...JOB_KINDS, searchIndexJob]), {
        id: 'worker:s',
      });
      while (await worker.runOnce()) {}
      const jobs = await listJobs(store.ctx, { itemId: item.id });
      assert.deepEqual(jobs.map((j) => [j.kind, j.state]).sort(), [
        ['intake', 'done'],
        ['search-index', 'done'],
      ]);
      assert.equal(jobs.find((j) => j.kind === 'search-index')?.result?.outcome, 'indexed');
      // Indexed by the job itself (no search has run to trigger the catch-up).
      const doc = await store.ctx.db
        .selectFrom('search_doc')
        .select(['ern', 'body'])
        .where('item_id', '=', item.id)
        .executeTakeFirst();
      assert.equal(doc?.ern, item.ern);
      assert.match(doc?.body ?? '', /قافلة الراموسة/);
    });

    it('reads HTML in UTF-16 with a BOM down to its visible text', async () => {
      const html =
        '<!doctype html><html><head><title>تقرير</title><style>p{}</style></head><body><p>Ramouseh &amp; al-Rashideen</p><script>x()</script><p>الراشدين</p></body></html>';
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
      const item = await add(store, bytes, 'page.html');
      await runAll(store);
      const state = await intakeState(store.ctx, item);
      const text = state.derived.find((d) => d.kind === 'text');
      assert.ok(text, JSON.stringify(state.job));
      const chunks: Buffer[] = [];
      for await (const c of store.ctx.blobs.get(text.item.sha256)) chunks.push(c as Buffer);
      assert.equal(Buffer.concat(chunks).toString('utf8'), 'Ramouseh & al-Rashideen\n\nالراشدين');
    });

    it('records nothing twice when intake runs again', async () => {
      const item = await add(store, Buffer.from('once'), 'once.txt');
      await runAll(store);
      const before = (await intakeState(store.ctx, item)).derived.length;
      const [job] = await listJobs(store.ctx, { itemId: item.id });
      const { retryJob } = await import('../store/jobs.js');
      await retryJob(store.ctx, job!.id);
      await runAll(store);
      const state = await intakeState(store.ctx, item);
      assert.equal(state.state, 'done');
      assert.equal(state.derived.length, before);
    });

    it('fails a zip bomb with its reason, keeps the original, and goes on with other items', async () => {
      const bomb = await add(
        store,
        makeZip([{ name: 'z.bin', data: Buffer.alloc(8 * 1024 * 1024) }]),
        'bomb.zip',
      );
      const plain = await add(store, Buffer.from('after the bomb'), 'after.txt');
      await runAll(store);
      const failed = await intakeState(store.ctx, bomb);
      assert.equal(failed.state, 'failed');
      assert.equal(failed.job?.errorCode, 'ZIP_BOMB');
      assert.match(failed.job?.error ?? '', /expands \d+×/);
      assert.equal(failed.derived.length, 0, 'nothing of the archive recorded');
      assert.equal((await store.ctx.blobs.verify(bomb.sha256)).status, 'ok', 'original kept');
      assert.equal((await intakeState(store.ctx, plain)).state, 'done', 'the worker went on');
    });

    it('fails each hostile input with a clear reason, keeps every original, and serves the rest', async () => {
      const hostile: [string, Buffer, string][] = [
        ['slip.zip', makeZip([{ name: '../../etc/cron.d/x', data: Buffer.from('x') }]), 'UNSAFE_PATH'],
        ['abs.zip', makeZip([{ name: '/etc/passwd', data: Buffer.from('x') }]), 'UNSAFE_PATH'],
        [
          'link.zip',
          makeZip([{ name: 'l', data: Buffer.from('/etc'), unixMode: 0o120777, method: 0 }]),
          'UNSAFE_PATH',
        ],
        ['locked.zip', makeZip([{ name: 's.txt', data: Buffer.from('x'), encrypted: true }]), 'ENCRYPTED'],
        ['many.zip', makeManyMemberZip(100_000), 'TOO_MANY_MEMBERS'],
        ['nested.eml', makeNestedEmail(5000), 'TOO_MANY_PARTS'],
        ['huge.png', pngDeclaring(100_000, 100_000), 'TOO_MANY_PIXELS'],
        ['loop.pdf', loopingPdf(), 'MALFORMED|TIMEOUT'],
      ];
      const items = [];
      for (const [name, bytes] of hostile) items.push(await add(store, bytes, name));
      const plain = await add(store, Buffer.from('an ordinary note after the hostile ones'), 'note.txt');
      await runAll(store);
      for (const [i, [name, , code]] of hostile.entries()) {
        const state = await intakeState(store.ctx, items[i]!);
        assert.equal(state.state, 'failed', `${name}: ${JSON.stringify(state.job)}`);
        assert.match(state.job?.errorCode ?? '', new RegExp(`^(?:${code})$`), `${name}: ${state.job?.error}`);
        assert.ok((state.job?.error ?? '').length > 10, `${name}: a reason a person can read`);
        assert.equal(state.job?.attempts, 1, `${name}: input faults are not retried`);
        assert.equal((await store.ctx.blobs.verify(items[i]!.sha256)).status, 'ok', `${name}: original kept`);
        assert.equal((await getItem(store.ctx, items[i]!.ern)).sha256, items[i]!.sha256);
      }
      assert.equal((await intakeState(store.ctx, plain)).state, 'done', 'the worker went on');
    });

    it('derives members whose names hold controls or bidi overrides, with those characters shown escaped in the title', async () => {
      // Names inside an archive are hostile: a member called "invoice\u202Efdp.exe" must not stop the
      // archive's other members from being derived, nor reach a title unescaped.
      const zip = await add(
        store,
        makeZip([
          { name: 'invoice\u202Efdp.exe', data: Buffer.from('one') },
          { name: 'a\u0085b\u2066.txt', data: Buffer.from('two') },
          { name: 'گزارش\u200Cها.txt', data: Buffer.from('three') },
        ]),
        'names.zip',
      );
      await runAll(store);
      const state = await intakeState(store.ctx, zip);
      assert.equal(state.state, 'done', JSON.stringify(state.job));
      const titles = await Promise.all(
        state.derived
          .filter((d) => d.kind === 'member')
          .map(async (d) => (await getItem(store.ctx, d.item.ern)).title),
      );
      assert.deepEqual(titles.sort(), [
        'a\\u{0085}b\\u{2066}.txt (in an archive)',
        'invoice\\u{202E}fdp.exe (in an archive)',
        'گزارش\u200Cها.txt (in an archive)',
      ]);
    });

    it('links near-duplicate photos within a compartment, never across', async () => {
      const photo = (shift: number) =>
        sharp({ create: { width: 400, height: 300, channels: 3, background: '#203040' } })
          .composite([
            {
              input: Buffer.from(
                `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><circle cx="${150 + shift}" cy="150" r="80" fill="#e0c040"/><rect x="260" y="40" width="90" height="200" fill="#a03020"/></svg>`,
              ),
            },
          ])
          .jpeg({ quality: 90 - shift * 10 })
          .toBuffer();
      const a = await add(store, await photo(0), 'a.jpg', 'photos');
      const b = await add(store, await photo(2), 'b.jpg', 'photos');
      const c = await add(store, await photo(0), 'c.jpg', 'other');
      await runAll(store);
      const links = (await intakeState(store.ctx, b)).nearDuplicates;
      assert.deepEqual(
        links.map((l) => [l.ern, l.relation]),
        [[a.ern, 'near-duplicate-of']],
      );
      assert.ok(links[0]!.distance <= 31);
      const found = await nearDuplicatesForItem(store.ctx, a);
      assert.deepEqual(
        found.matches.map((m) => m.ern),
        [b.ern],
        'the identical photo in another compartment is not found',
      );
      assert.equal((await intakeState(store.ctx, c)).nearDuplicates.length, 0);
    });
  });
}
