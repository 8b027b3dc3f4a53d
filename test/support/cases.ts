/**
 * cases.ts — a small case for tests: items in the vault (one in a protected compartment), a case
 * holding them, and helpers to run a package's own verify.mjs and to copy a bag for tampering.
 *
 *   const fx = await caseFixture(s.ctx);
 *   await exportPackage(s.ctx, CLI_VIEWER, { target: fx.caseRef, out: join(dir, 'bag') });
 */
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { addItems, createCase } from '../../src/cases/service.js';
import { CLI_VIEWER } from '../../src/cases/viewer.js';
import type { Ctx } from '../../src/ctx.js';
import { addContent } from '../../src/vault/service.js';

export const PROVENANCE = {
  source: 'synthetic field team 3',
  collectedAt: '2016-12-15',
  collectedBy: 'monitor-07',
};

/** addItem stores `text` as an item and returns its ERN. */
export async function addItem(
  ctx: Ctx,
  text: string | Buffer,
  name: string,
  extra: { compartment?: string; source?: string } = {},
): Promise<string> {
  const out = await addContent(ctx, Readable.from([Buffer.from(text)]), {
    originalName: name,
    provenance: { ...PROVENANCE, ...(extra.source ? { source: extra.source } : {}) },
    actor: 'user-test',
    ...(extra.compartment ? { compartment: extra.compartment } : {}),
  });
  return out.item.ern;
}

export interface CaseFixture {
  readonly caseRef: string;
  readonly erns: readonly string[];
}

/** caseFixture makes three items (one Arabic text) and a case holding them. */
export async function caseFixture(ctx: Ctx, compartment = 'general'): Promise<CaseFixture> {
  const erns = [
    await addItem(ctx, 'Statement of witness W-017: the buses left Ramouseh at 14:00.', 'statement.txt', {
      compartment,
    }),
    await addItem(ctx, 'شهادة: غادرت الحافلات الراموسة', 'شهادة.txt', { compartment }),
    await addItem(ctx, Buffer.alloc(70_000, 7), 'scan.bin', { compartment }),
  ];
  const c = await createCase(ctx, CLI_VIEWER, { title: 'Eastern Aleppo transfers', compartment });
  await addItems(ctx, CLI_VIEWER, c.ref, erns);
  return { caseRef: c.ref, erns };
}

/** runVerifyMjs runs the package's own verify.mjs with Node alone and returns its JSON report. */
export function runVerifyMjs(bag: string, args: string[] = []) {
  const res = spawnSync(process.execPath, [join(bag, 'verify.mjs'), bag, '--json', ...args], {
    encoding: 'utf8',
  });
  const report = JSON.parse(res.stdout) as { ok: boolean; failures: { check: string; detail: string }[] };
  return { code: res.status, ...report };
}

/** copyBag copies a bag directory for one tampering case. */
export function copyBag(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}
