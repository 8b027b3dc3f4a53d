/**
 * saved.ts — a user's saved searches, kept on the server so they follow the investigator from
 * the office laptop to the field tablet. A saved search is a name and the query text (and its
 * sort); it holds no results, so running it later shows what the user may see *then* — a grant
 * taken away takes its items out of every saved search too. Each user sees and changes only
 * their own (another user's id is "not found"). They are not evidence and are not logged to the
 * custody log: they record no judgement about any item, only how someone looks for them.
 *
 * A search also keeps the compartments its author could read when saving it (its scope): a
 * token scoped to fewer compartments does not see it. So nothing a save answers may depend on a
 * search the caller cannot see (DESIGN rule 7; issue 15): a name is unique per user and scope
 * (migration 0034) and a save replaces only a search of that name the caller sees under its own
 * scope (or one saved before scopes were kept), else it saves a new one — never "name taken"
 * for a search out of sight; the limit counts the searches saved under the caller's scope.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../ctx.js';
import { SearchError } from './errors.js';
import { parseQuery } from './query/parse.js';

/** At most this many saved searches per user and scope; names at most this long. */
export const MAX_SAVED = 100;
export const MAX_SAVED_NAME = 100;
export const SORTS = ['relevance', 'date'] as const;
export type Sort = (typeof SORTS)[number];

export interface SavedSearch {
  readonly id: string;
  readonly name: string;
  readonly q: string;
  readonly sort: Sort;
  readonly createdAt: string;
  readonly updatedAt: string;
}

// Control characters (other than none at all) and bidi overrides have no place in a name.
const CONTROL = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** Where the caller may read items: 'all', or a list of compartments. */
export type Reach = 'all' | readonly string[];

function scopeOf(reach: Reach): string {
  return reach === 'all' ? 'all' : JSON.stringify([...new Set(reach)].sort());
}

/**
 * covers tells whether a caller reaching `reach` may see a search saved under `scope`: a token
 * scoped to fewer compartments than the search was saved under does not (its words can name
 * what that token may not see).
 */
function covers(reach: Reach, scope: string | null): boolean {
  if (scope === null || reach === 'all') return true;
  if (scope === 'all') return false;
  const saved = JSON.parse(scope) as string[];
  return saved.every((c) => reach.includes(c));
}

function invalid(message: string, field: string): SearchError {
  return new SearchError('INVALID_SAVED_SEARCH', message, { field });
}

function view(r: {
  id: string;
  name: string;
  q: string;
  sort: string;
  created_at: string;
  updated_at: string;
}): SavedSearch {
  return {
    id: r.id,
    name: r.name,
    q: r.q,
    sort: r.sort === 'date' ? 'date' : 'relevance',
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** listSaved returns the user's saved searches, the most recently saved first. */
export async function listSaved(ctx: Ctx, userId: string, reach: Reach): Promise<SavedSearch[]> {
  // Filtered before any cut: a limit in SQL could fill the page with searches out of sight.
  const rows = await ctx.db
    .selectFrom('saved_search')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.filter((r) => covers(reach, r.scope)).map(view);
}

/**
 * saveSearch keeps `q` under `name` for the user, replacing the query of a saved search of the
 * same name. The query must parse (the same rules as a search), so a saved search always runs.
 */
export async function saveSearch(
  ctx: Ctx,
  userId: string,
  reach: Reach,
  input: { name: unknown; q: unknown; sort?: unknown },
): Promise<SavedSearch> {
  if (typeof input.name !== 'string') throw invalid('name must be text', 'name');
  const name = input.name.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw invalid('name is required', 'name');
  if (name.length > MAX_SAVED_NAME) throw invalid(`name is at most ${MAX_SAVED_NAME} characters`, 'name');
  if (CONTROL.test(name)) throw invalid('name contains control characters', 'name');
  if (typeof input.q !== 'string' || input.q.trim().length === 0) throw invalid('q is required', 'q');
  const q = input.q.normalize('NFC').trim();
  if (CONTROL.test(q)) throw invalid('q contains control characters', 'q');
  parseQuery(q); // throws INVALID_QUERY or QUERY_TOO_COMPLEX
  const sort = input.sort ?? 'relevance';
  if (typeof sort !== 'string' || !(SORTS as readonly string[]).includes(sort))
    throw invalid('sort is relevance or date', 'sort');
  const at = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const scope = scopeOf(reach);
    // The caller's own search of that name: saved under its scope, or before scopes were kept.
    // A search of that name under another scope is another search (seen or not), left alone.
    const old = await trx
      .selectFrom('saved_search')
      .selectAll()
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .where((eb) => eb.or([eb('scope', '=', scope), eb('scope', 'is', null)]))
      .orderBy('id')
      .executeTakeFirst();
    if (old) {
      await trx
        .updateTable('saved_search')
        .set({ q, sort, updated_at: at, scope })
        .where('id', '=', old.id)
        .execute();
      return view({ ...old, q, sort, updated_at: at });
    }
    const { n } = await trx
      .selectFrom('saved_search')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('scope', '=', scope), eb('scope', 'is', null)]))
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_SAVED)
      throw new SearchError(
        'TOO_MANY_SAVED_SEARCHES',
        `at most ${MAX_SAVED} saved searches; forget one first`,
      );
    const row = {
      id: `srch-${randomUUID()}`,
      user_id: userId,
      name,
      q,
      sort,
      created_at: at,
      updated_at: at,
      scope,
    };
    await trx.insertInto('saved_search').values(row).execute();
    return view(row);
  });
}

/** forgetSaved deletes one of the user's saved searches; another user's is "not found". */
export async function forgetSaved(ctx: Ctx, userId: string, reach: Reach, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('saved_search')
      .select('scope')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    // One answer for another user's, a wider-scoped one and none at all.
    if (!row || !covers(reach, row.scope)) throw new SearchError('NOT_FOUND', 'no such saved search');
    await trx.deleteFrom('saved_search').where('id', '=', id).execute();
  });
}
