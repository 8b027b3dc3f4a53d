/**
 * The item page's video and web-capture previews in Chromium (issue 17), against a real server
 * and job worker with Debian's ffmpeg: a 30-second video whose every second has its own
 * brightness goes through intake; its page plays it from the content route with Range requests
 * (the server answers 206), lists its keyframes, and a click on a keyframe moves the player to
 * the moment that keyframe shows — checked on the decoded picture, not only on currentTime. A
 * WARC capture lists its records by URL. Arabic; axe-core; screenshots under test-results/web/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { addContent } from '../../src/vault/index.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  checkScreen,
  screenshot,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

const run = promisify(execFile);
/** Brightness step per second of the test video: second n is grey level 8n (0…232). */
const STEP = 8;

/** brightnessVideo is a 30 s, 1 frame/s WebM (VP8) whose frame at second n is uniformly 8n grey. */
async function brightnessVideo(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-video-'));
  try {
    const out = join(dir, 'clip.webm');
    await run(
      'ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `color=c=black:s=160x120:r=1:d=30,format=gray,geq=lum='N*${STEP}'`,
        '-c:v',
        'libvpx',
        '-g',
        '1',
        '-b:v',
        '300k',
        '-pix_fmt',
        'yuv420p',
        out,
      ],
      { timeout: 120_000 },
    );
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** warcRecord writes one WARC/1.1 record (ISO 28500:2017 §4, as the intake tests do). */
function warcRecord(type: string, block: string, extra: Record<string, string>): Buffer {
  const body = Buffer.from(block, 'utf8');
  const headers = {
    'WARC-Type': type,
    'WARC-Record-ID': `<urn:uuid:${randomUUID()}>`,
    'WARC-Date': '2016-12-16T09:30:00Z',
    'Content-Length': String(body.length),
    ...extra,
  };
  const head = `WARC/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\r\n\r\n')]);
}

function httpResponse(status: string, contentType: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/**
 * PLAYER_STATE is evaluated in the page (a DevTools call, which the app's CSP does not govern):
 * the player's position and the mean grey level of the picture it shows now (-1 before any).
 */
const PLAYER_STATE = `(() => {
  const v = document.querySelector('video.preview-video');
  let grey = -1;
  if (v.readyState >= 2) {
    const c = document.createElement('canvas');
    c.width = 16;
    c.height = 12;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(v, 0, 0, 16, 12);
    const d = g.getImageData(0, 0, 16, 12).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += d[i];
    grey = sum / (d.length / 4);
  }
  return { time: v.currentTime, grey, ready: v.readyState, error: v.error !== null };
})()`;

interface PlayerState {
  time: number;
  grey: number;
  ready: number;
  error: boolean;
}

const playerState = (page: Page) => page.evaluate(PLAYER_STATE) as Promise<PlayerState>;

/** until polls `probe` (page.evaluate: the app's CSP refuses waitForFunction's eval) until `ok`. */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 600; i++) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: last seen ${JSON.stringify(last)}`);
}

describe('item page: video with keyframes and Range seeking, web captures (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;
  const erns: Record<string, string> = {};

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('investigator', 'inv-huda');
    const add = async (name: string, bytes: Buffer, title: string) => {
      const r = await addContent(w.s.ctx, Readable.from([bytes]), {
        originalName: name,
        title,
        provenance: {
          source: 'synthetic field team 4',
          collectedAt: '2016-12-16',
          collectedBy: 'monitor-09',
        },
        actor: 'test',
      });
      return r.item.ern;
    };
    erns.video = await add('checkpoint.webm', await brightnessVideo(), 'Checkpoint queue (video)');
    erns.warc = await add(
      'capture.warc',
      Buffer.concat([
        warcRecord('warcinfo', 'software: test-crawler 1.0\r\n', {
          'Content-Type': 'application/warc-fields',
        }),
        warcRecord('response', httpResponse('200 OK', 'text/html; charset=utf-8', '<p>قافلة الإجلاء</p>'), {
          'WARC-Target-URI': 'http://example.org/news/convoy-report.html',
          'Content-Type': 'application/http; msgtype=response',
        }),
        warcRecord('response', httpResponse('404 Not Found', 'text/html', 'gone'), {
          'WARC-Target-URI': 'http://example.org/news/removed.html',
          'Content-Type': 'application/http; msgtype=response',
        }),
      ]),
      'Convoy report page (capture)',
    );
    for (const ern of Object.values(erns)) assert.equal(await w.intakeDone(ern), 'done', `intake of ${ern}`);
  });
  after(async () => {
    await w?.close();
  });

  it('plays the video through Range requests and a keyframe moves the player to the picture it shows', async () => {
    const { ctx, page } = await w.signedIn('inv-huda');
    const ranges: { status: number; range: string | undefined }[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === `/api/items/${erns.video}/content`)
        ranges.push({ status: res.status(), range: res.request().headers().range });
    });
    await page.goto(`${w.base}/evidence/${erns.video}`);
    const preview = page.getByTestId('preview');
    await preview.locator('video.preview-video').waitFor();
    assert.equal(await preview.getAttribute('data-kind'), 'video');
    await until(
      () => playerState(page),
      (s) => s.ready >= 1 || s.error,
      'video metadata',
    );
    const frames = preview.locator('ul.keyframes li button');
    await frames.nth(2).waitFor();
    // 30 s with one keyframe per 10 s window: three, each in the middle of its window.
    assert.equal(await frames.count(), 3);
    assert.deepEqual(await preview.locator('ul.keyframes li span').allTextContents(), [
      '5 s',
      '15 s',
      '25 s',
    ]);
    await frames.nth(1).click();
    const at = await until(
      () => playerState(page),
      (s) => s.error || (Math.abs(s.time - 15) < 0.01 && s.grey >= 0),
      'the player after the second keyframe',
    );
    assert.equal(at.error, false, 'the browser decoded the video');
    // The picture shown is the 15th second's (grey 120), within one second's step and codec noise.
    assert.ok(Math.abs(at.grey - 15 * STEP) < STEP * 1.5, `grey ${at.grey} at ${at.time} s`);
    const later = await frames
      .nth(2)
      .click()
      .then(() =>
        until(
          () => playerState(page),
          (s) => s.error || (Math.abs(s.time - 25) < 0.01 && s.grey >= 0),
          'the player after the third keyframe',
        ),
      );
    assert.ok(Math.abs(later.grey - 25 * STEP) < STEP * 1.5, `grey ${later.grey} at ${later.time} s`);
    // The media element fetched the file in ranges, and the server answered with partial content.
    assert.ok(
      ranges.some((r) => r.status === 206 && r.range?.startsWith('bytes=')),
      JSON.stringify(ranges),
    );
    assert.ok(!ranges.some((r) => r.status >= 400), JSON.stringify(ranges));
    // The custody timeline names the investigator whose player read the file by username (the
    // log holds the account's id, shown on hover); the ingest by a non-account keeps its id.
    await page.reload();
    const view = page.locator('[data-testid="custody"] li.custody-entry[data-kind="view"]').first();
    await view.waitFor();
    const who = view.locator('bdi[title]');
    assert.equal(await who.textContent(), 'inv-huda');
    assert.match((await who.getAttribute('title')) ?? '', /^[0-9a-f-]{36}$/);
    const ingest = page.locator('[data-testid="custody"] li.custody-entry[data-kind="ingest"] bdi');
    assert.equal(await ingest.textContent(), 'test');
    await assertAccessible(page, 'item video (en)');
    await assertNoHorizontalOverflow(page, 'item video (en)');
    await screenshot(page, 'item-video-en');
    await ctx.close();
  });

  it('lists a web capture’s records by URL, with their status', async () => {
    const { ctx, page } = await w.signedIn('inv-huda');
    await page.goto(`${w.base}/evidence/${erns.warc}`);
    const table = page.getByTestId('warc-records');
    await table.waitFor();
    const rows: string[][] = [];
    for (const tr of await table.locator('tbody tr').all())
      rows.push(await tr.locator('td').allTextContents());
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2]]),
      [
        ['warcinfo', '', ''],
        ['response', 'http://example.org/news/convoy-report.html', '200'],
        ['response', 'http://example.org/news/removed.html', '404'],
      ],
    );
    await assertAccessible(page, 'item web capture (en)');
    await screenshot(page, 'item-warc-en');
    await ctx.close();
  });

  it('both previews in Arabic, with nothing untranslated', async () => {
    const { ctx, page } = await w.signedIn('inv-huda', 'ar-SY');
    for (const [ern, name, ready] of [
      [erns.video, 'item-video-ar', 'ul.keyframes li'],
      [erns.warc, 'item-warc-ar', '[data-testid="warc-records"] tbody tr'],
    ] as const) {
      await page.goto(`${w.base}/evidence/${ern}`);
      await page.locator(ready!).first().waitFor();
      await checkScreen(page, name);
    }
    await ctx.close();
  });
});
