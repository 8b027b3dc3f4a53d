/**
 * saved-searches.ts — searches an investigator keeps, by name. The server has no API for them,
 * so they live on this device (localStorage, per user): they hold queries only, never results,
 * and they are not shared between devices or people.
 */
export interface SavedSearch {
  readonly name: string;
  readonly q: string;
  readonly savedAt: string;
}

const MAX = 50;
const keyOf = (userId: string) => `attest.savedSearches.${userId}`;

/** loadSaved returns the user's saved searches, newest first (a damaged store reads as empty). */
export function loadSaved(userId: string): SavedSearch[] {
  try {
    const raw = JSON.parse(localStorage.getItem(keyOf(userId)) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (s): s is SavedSearch =>
        typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.q === 'string',
    );
  } catch {
    return [];
  }
}

/** saveSearch keeps `q` under `name` (replacing one of the same name) and returns the new list. */
export function saveSearch(userId: string, name: string, q: string): SavedSearch[] {
  const list = [
    { name: name.trim().slice(0, 100), q: q.slice(0, 512), savedAt: new Date().toISOString() },
    ...loadSaved(userId).filter((s) => s.name !== name.trim()),
  ].slice(0, MAX);
  localStorage.setItem(keyOf(userId), JSON.stringify(list));
  return list;
}

/** forgetSearch removes the saved search `name` and returns the new list. */
export function forgetSearch(userId: string, name: string): SavedSearch[] {
  const list = loadSaved(userId).filter((s) => s.name !== name);
  localStorage.setItem(keyOf(userId), JSON.stringify(list));
  return list;
}
