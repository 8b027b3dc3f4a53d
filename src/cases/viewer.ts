/**
 * viewer.ts — who is asking, as the cases domain needs to know it: the acting id (logged), where
 * they may read and write (compartment walls, DESIGN.md rule 7), and where they may override a
 * consent block (the `legal` role's `consent:override`), and where they read the custody log
 * (what of it their packages carry). Routes build it from `request.access`;
 * the CLI is the deployment's own operator (every compartment) acting as `cli`.
 */
import type { Access } from '../access/index.js';

export interface Viewer {
  readonly actor: string;
  /** Compartments whose cases and items the viewer may read. */
  readonly read: readonly string[] | 'all';
  /** Compartments where the viewer may change cases and export. */
  readonly write: readonly string[] | 'all';
  /** Compartments where the viewer may override a consent block. */
  readonly override: readonly string[] | 'all';
  /**
   * Where the viewer holds `log:read`: a package carries only the custody entries its requester
   * may read in full there (src/custody/entry-access.ts, the rule of the item's timeline).
   */
  readonly log: readonly string[] | 'all';
}

export const CLI_VIEWER: Viewer = Object.freeze({
  actor: 'cli',
  read: 'all',
  write: 'all',
  override: 'all',
  log: 'all',
});

/** viewerOf builds the Viewer of an HTTP caller. */
export function viewerOf(access: Access): Viewer {
  const both = (a: readonly string[] | 'all', b: readonly string[] | 'all') =>
    a === 'all' ? b : b === 'all' ? a : a.filter((c) => b.includes(c));
  return Object.freeze({
    actor: access.userId ?? 'anonymous',
    // Reading a case's evidence needs both the case and the item permission there.
    read: both(access.compartmentsFor('cases:read'), access.compartmentsFor('items:read')),
    write: both(access.compartmentsFor('cases:write'), access.compartmentsFor('items:content')),
    override: access.compartmentsFor('consent:override'),
    log: access.compartmentsFor('log:read'),
  });
}

/** allows tells whether `scope` covers `compartment`. */
export function allows(scope: readonly string[] | 'all', compartment: string): boolean {
  return scope === 'all' || scope.includes(compartment);
}
