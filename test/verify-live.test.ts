/**
 * verify-live.test.ts — `attest verify` against a live deployment (issue 18): a server goes on
 * recording items, appending entries and signing checkpoints while verify reads, and verify must
 * not raise alarms about a deployment that is whole. Deterministically, not by timing: a Kysely
 * plugin on verify's own connection runs a "server" (a second handle on the same database and
 * keys, as another process would be) between verify's phases — after its first read of the
 * blobs, of the log's entries, of its subtree hashes and of its checkpoints — and each time the
 * server records an item and signs a checkpoint. Read piecemeal, the same checks see the new
 * rows half-way and report problems (the control below); read in one snapshot
 * (runVerifyChecks), they report none, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SelectQueryNode,
  TableNode,
  type UnknownRow,
} from 'kysely';
import { VERIFY_CHECKS } from '../src/cli/commands.js';
import type { Ctx } from '../src/ctx.js';
import { runVerifyChecks, verifyChecks } from '../src/custody/cli/index.js';
import { signCheckpoint } from '../src/custody/index.js';
import { openStore } from '../src/store/open.js';
import { addContent, checkItemsAgainstLog } from '../src/vault/index.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

/** The table a SELECT reads first, if it is a plain table. */
function fromTable(node: RootOperationNode): string | undefined {
  if (!SelectQueryNode.is(node)) return undefined;
  const from = node.from?.froms[0];
  return from && TableNode.is(from) ? from.table.identifier.name : undefined;
}

/**
 * BetweenPhases runs `hook` once per table of `tables`, after the first SELECT from it returns
 * and before its rows reach the caller: the next phase of the reader starts after the hook.
 */
class BetweenPhases implements KyselyPlugin {
  readonly fired: string[] = [];
  readonly #pending = new WeakMap<object, string>();
  readonly #claimed = new Set<string>();

  constructor(
    private readonly tables: readonly string[],
    private readonly hook: (table: string) => Promise<void>,
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const table = fromTable(args.node);
    if (table !== undefined && this.tables.includes(table) && !this.#claimed.has(table)) {
      this.#claimed.add(table);
      this.#pending.set(args.queryId, table);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const table = this.#pending.get(args.queryId);
    if (table !== undefined) {
      this.#pending.delete(args.queryId);
      this.fired.push(table);
      await this.hook(table);
    }
    return args.result;
  }
}

const PHASES = ['blob', 'custody_entry', 'custody_node', 'checkpoint'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest verify while the server appends (issue 18)`, () => {
    let s: TestStore;
    let server: { ctx: Ctx; close(): Promise<void> };
    let n = 0;

    const record = async (ctx: Ctx, text: string) =>
      addContent(ctx, Readable.from([Buffer.from(text)]), {
        originalName: `${text}.txt`,
        provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
        compartment: 'general',
        actor: 'test',
      });
    /** What the live server does meanwhile: a new item (blob, row, entries) and a checkpoint. */
    const serverAppends = async () => {
      await record(server.ctx, `synthetic report ${++n} recorded while verify reads`);
      assert.ok(await signCheckpoint(server.ctx));
    };
    const hooked = (plugin: BetweenPhases): Ctx => ({ ...s.ctx, db: s.ctx.db.withPlugin(plugin) });
    const checks = verifyChecks(VERIFY_CHECKS, checkItemsAgainstLog);

    before(async () => {
      s = await openTestStore(dialect);
      for (const t of ['first', 'second', 'third']) await record(s.ctx, `synthetic ${t} statement`);
      await signCheckpoint(s.ctx);
      await record(s.ctx, 'synthetic statement after the checkpoint');
      // Another process on the same database, blob store and keys: the live server.
      server = await openStore(s.config, () => new Date('2016-12-18T12:00:00Z'));
    });
    after(async () => {
      await server.close();
      await s.close();
    });

    it('the checks read piecemeal raise false alarms (the control: the hooks do race)', async () => {
      const plugin = new BetweenPhases(PHASES, serverAppends);
      const ctx = hooked(plugin);
      const problems = [];
      for (const check of checks) problems.push(...(await check.run(ctx, [], {})));
      assert.deepEqual(plugin.fired, PHASES);
      // Read half before and half after the appends: an item whose blob verify never saw,
      // checkpoints beyond the tree it built, the signer's newer checkpoint missing, items whose
      // ingest entries it never read.
      const codes = new Set(problems.map((p) => p.code));
      for (const code of [
        'item-blob-unknown',
        'log-rolled-back',
        'checkpoint-missing-latest',
        'item-not-logged',
      ])
        assert.ok(codes.has(code), `${code} among ${[...codes].join(', ')}`);
    });

    it('one snapshot: no problem, though entries, checkpoints and items arrived between every phase', async () => {
      const plugin = new BetweenPhases(PHASES, serverAppends);
      const before = n;
      const problems = await runVerifyChecks(hooked(plugin), checks, [], {});
      assert.deepEqual(plugin.fired, PHASES, 'the server appended between each phase');
      assert.equal(n, before + PHASES.length);
      assert.deepEqual(problems, []);
    });

    it('the next verify sees what arrived, and it is whole', async () => {
      const items = await s.ctx.db.selectFrom('item').select('id').execute();
      assert.equal(items.length, 4 + n);
      assert.deepEqual(await runVerifyChecks(s.ctx, checks, [], {}), []);
    });

    it('a real problem is still found in a snapshot: a row edited behind the log', async () => {
      await s.ctx.db.updateTable('item').set({ source: 'someone else' }).where('ern_seq', '=', 1).execute();
      const codes = (await runVerifyChecks(s.ctx, checks, [], {})).map((p) => p.code);
      assert.ok(codes.includes('item-provenance-altered'), codes.join(', '));
    });
  });
}
