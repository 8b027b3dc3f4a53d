// 0020 — analysts' tags and notes on items, and each user's saved searches (issue 17).
// Tags and notes are work product about evidence (src/analysis/annotations/README.md): each row
// has a random `salt` that its custody entries' SHA-256 commits to, as analysis records do.
// Saved searches belong to one user and hold query text only; they are not evidence and are not
// logged (src/search/README.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('item_tag')
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_tag_pk', ['item_id', 'tag'])
    .execute();
  await db.schema.createIndex('item_tag_tag_idx').on('item_tag').columns(['tag']).execute();

  await db.schema
    .createTable('item_note')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('item_note_item_idx')
    .on('item_note')
    .columns(['item_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('saved_search')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('q', 'text', (c) => c.notNull())
    .addColumn('sort', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('saved_search_user_name', ['user_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['saved_search', 'item_note', 'item_tag']) await db.schema.dropTable(t).execute();
}
