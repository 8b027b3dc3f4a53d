/**
 * saved-searches.ts — searches an investigator keeps, by name, on the server with their account
 * (`/api/saved-searches`, src/search/saved.ts), so they follow them to every device. They hold
 * queries only, never results. Searches an older version of this app kept in the browser
 * (localStorage) are moved to the account once, then removed from the device.
 */
import type { Static } from '@sinclair/typebox';
import type { SavedSearchSchema } from '../../../src/search/schemas.js';
import { api } from '../api/client.js';

export type SavedSearch = Static<typeof SavedSearchSchema>;

const legacyKey = (userId: string) => `attest.savedSearches.${userId}`;

/** loadSaved returns the user's saved searches, most recently saved first. */
export async function loadSaved(): Promise<SavedSearch[]> {
  return (await api<{ savedSearches: SavedSearch[] }>('GET', '/api/saved-searches')).savedSearches;
}

/** saveSearch keeps `q` under `name` (replacing one of the same name). */
export async function saveSearch(name: string, q: string, sort: 'relevance' | 'date'): Promise<SavedSearch> {
  return api<SavedSearch>('PUT', '/api/saved-searches', { name: name.trim(), q, sort });
}

/** forgetSearch removes one saved search. */
export async function forgetSearch(id: string): Promise<void> {
  await api<void>('DELETE', `/api/saved-searches/${encodeURIComponent(id)}`);
}

/**
 * moveDeviceSearches uploads the searches this browser kept for `userId` before they moved to
 * the server, then forgets them here. Returns how many moved (a refused one stays on the device).
 */
export async function moveDeviceSearches(userId: string): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(legacyKey(userId)) ?? '[]');
  } catch {
    raw = [];
  }
  if (!Array.isArray(raw) || raw.length === 0) return 0;
  const kept: unknown[] = [];
  let moved = 0;
  for (const s of raw.slice(0, 50)) {
    if (typeof s !== 'object' || s === null) continue;
    const { name, q } = s as { name?: unknown; q?: unknown };
    if (typeof name !== 'string' || typeof q !== 'string') continue;
    try {
      await saveSearch(name, q, 'relevance');
      moved++;
    } catch {
      kept.push(s);
    }
  }
  if (kept.length > 0) localStorage.setItem(legacyKey(userId), JSON.stringify(kept));
  else localStorage.removeItem(legacyKey(userId));
  return moved;
}
