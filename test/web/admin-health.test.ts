/**
 * Server health for administrators in Chromium (issue 17): the queue, a failed job with its
 * reason and a retry that puts it through again, storage used, the last checkpoint and its age;
 * in English and Arabic, axe-core, screenshots.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { addContent } from '../../src/vault/index.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  screenshot,
  skipReason,
  untranslatedText,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

const skip = skipReason();

describe('server health in Chromium (issue 17)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let w: EvidenceWorld;
  let ern = '';

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('admin', 'admin-rania');
    const r = await addContent(
      w.s.ctx,
      Readable.from([Buffer.from('Convoy left Ramouseh at 10:05.', 'utf8')]),
      {
        originalName: 'note.txt',
        title: 'Field note',
        provenance: { source: 'synthetic', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
        actor: 'test',
      },
    );
    ern = r.item.ern;
    await w.intakeDone(ern);
    // As if the extractor had failed on it: the job is failed with its reason.
    await w.s.ctx.db
      .updateTable('job')
      .set({ state: 'failed', attempts: 3, error_code: 'TOOL_FAILED', error: 'tesseract exited with 1' })
      .where('item_id', '=', r.item.id)
      .where('kind', '=', 'intake')
      .execute();
  });
  after(async () => {
    await w?.close();
  });

  it('shows the queue, the failure and the log; retry runs the job again', async () => {
    const { ctx, page } = await w.signedIn('admin-rania');
    await page.goto(`${w.base}/admin/health`);
    await page.getByRole('heading', { name: 'Server health', level: 2 }).waitFor();
    await page.getByTestId('health-summary').getByText('Failed jobs: 1.').waitFor();
    const failed = page.getByTestId('failed-jobs').locator('li');
    assert.equal(await failed.count(), 1);
    assert.match(
      (await failed.textContent()) ?? '',
      new RegExp(`Intake\\s*${ern}\\s*TOOL_FAILED: tesseract exited with 1`),
    );
    assert.match((await page.getByTestId('checkpoint').textContent()) ?? '', /entries, signed .* ago\)/);
    assert.match((await page.getByTestId('storage').textContent()) ?? '', /\d+(\.\d)? (B|KiB)/);
    await assertAccessible(page, 'health (en)');
    await assertNoHorizontalOverflow(page, 'health (en)');
    await screenshot(page, 'admin-health-en');
    await failed.getByRole('button', { name: 'Run intake again' }).click();
    await page.getByText('No failed jobs.').waitFor();
    const job = await w.s.ctx.db
      .selectFrom('job')
      .select(['state', 'attempts'])
      .where('kind', '=', 'intake')
      .execute();
    assert.ok(
      job.every((j) => j.state !== 'failed'),
      JSON.stringify(job),
    );
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { name: 'حالة الخادم', level: 2 }).waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic health screen');
    await assertAccessible(page, 'health (ar)');
    await screenshot(page, 'admin-health-ar');
    await ctx.close();
  });
});
