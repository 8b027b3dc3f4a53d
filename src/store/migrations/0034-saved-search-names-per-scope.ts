// 0034 — saved searches (issue 15): a name is unique per user *and scope* (the compartments the
// caller could read when saving, 0027), not per user. With (user_id, name) unique, a token
// scoped to fewer compartments that chose the name of a search saved with wider access was
// refused — and so learnt that a search it may not see exists (DESIGN rule 7). Now that save
// makes the token's own search; the wider caller sees both.
// SQLite cannot drop a table constraint: the table is rebuilt (same columns, rows and ids).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

async function rebuildSqlite(db: Kysely<unknown>, unique: string): Promise<void> {
  await sql
    .raw(`CREATE TABLE saved_search_next (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES app_user(id),
    name text NOT NULL,
    q text NOT NULL,
    sort text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    scope text,
    ${unique}
  )`)
    .execute(db);
  await sql`INSERT INTO saved_search_next (id, user_id, name, q, sort, created_at, updated_at, scope)
    SELECT id, user_id, name, q, sort, created_at, updated_at, scope FROM saved_search`.execute(db);
  await sql`DROP TABLE saved_search`.execute(db);
  await sql`ALTER TABLE saved_search_next RENAME TO saved_search`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await rebuildSqlite(db, 'CONSTRAINT saved_search_user_scope_name UNIQUE (user_id, scope, name)');
  } else {
    await sql`ALTER TABLE saved_search DROP CONSTRAINT saved_search_user_name`.execute(db);
    await sql`ALTER TABLE saved_search ADD CONSTRAINT saved_search_user_scope_name UNIQUE (user_id, scope, name)`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // One per user and name again: the most recently saved of each name is kept.
  await sql`DELETE FROM saved_search WHERE EXISTS (
    SELECT 1 FROM saved_search o WHERE o.user_id = saved_search.user_id AND o.name = saved_search.name
      AND (o.updated_at > saved_search.updated_at OR (o.updated_at = saved_search.updated_at AND o.id > saved_search.id)))`.execute(
    db,
  );
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await rebuildSqlite(db, 'CONSTRAINT saved_search_user_name UNIQUE (user_id, name)');
  } else {
    await sql`ALTER TABLE saved_search DROP CONSTRAINT saved_search_user_scope_name`.execute(db);
    await sql`ALTER TABLE saved_search ADD CONSTRAINT saved_search_user_name UNIQUE (user_id, name)`.execute(
      db,
    );
  }
}
