/**
 * db.test.ts — the PostgreSQL pool outlives a connection the server ends (a restart, a failover,
 * pg_terminate_backend): the loss is reported as a process warning, never an unhandled 'error'
 * that would kill every `attest serve` on the database at once, and the next query connects again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';
import { openDatabase } from './db.js';

/** lost resolves with the next warning that a PostgreSQL connection was lost. */
function lost(): Promise<Error> {
  return new Promise((resolve) => {
    const listen = (w: Error & { code?: string }) => {
      if (w.code !== 'ATTEST_PG_CONNECTION_LOST') return;
      process.off('warning', listen);
      resolve(w);
    };
    process.on('warning', listen);
  });
}

/** terminate ends backend `pid` from another connection, as a server restart would. */
async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

if (DIALECTS.includes('postgres'))
  describe('postgres: a connection the server ends', () => {
    it('is reported, not fatal, and the next query connects again', async () => {
      const url = await createPgDatabase();
      const h = await openDatabase({ databaseUrl: url, dataDir: scratchDir('db-'), migrate: false });
      try {
        const first = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(h.db);
        const pid = Number(first.rows[0]!.pid);
        const reported = lost();
        // The pool's one connection is idle now; the server ends it.
        await terminate(url, pid);
        assert.match((await reported).message, /closed by the server: terminating connection/);
        const again = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(h.db);
        assert.notEqual(Number(again.rows[0]!.pid), pid);
      } finally {
        await h.close();
      }
    });

    it('a transaction whose connection the server ends fails alone; the process and the pool go on', async () => {
      const url = await createPgDatabase();
      const h = await openDatabase({ databaseUrl: url, dataDir: scratchDir('db-'), migrate: false });
      try {
        await assert.rejects(
          h.db.transaction().execute(async (trx) => {
            const me = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
            const reported = lost();
            await terminate(url, Number(me.rows[0]!.pid));
            // Between two statements the connection is checked out and not querying.
            await reported;
            await sql`SELECT 1`.execute(trx);
          }),
        );
        const after = await sql<{ n: number }>`SELECT 1 AS n`.execute(h.db);
        assert.equal(Number(after.rows[0]!.n), 1);
      } finally {
        await h.close();
      }
    });
  });
