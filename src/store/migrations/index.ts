// The ordered list of migrations. Append only; never edit or reorder a released one.
import type { Migration } from 'kysely';
import * as m0001 from './0001-vault.js';

export const migrations: Record<string, Migration> = {
  '0001-vault': m0001,
};
