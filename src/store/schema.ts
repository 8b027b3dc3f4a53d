// The database as Kysely sees it: each domain declares its own tables (tables.ts) and this
// interface composes them. Add a domain's tables here, with a migration.

import type { AccessTables } from '../access/tables.js';
import type { AnalysisTables } from '../analysis/tables.js';
import type { CasesTables } from '../cases/tables.js';
import type { CustodyTables } from '../custody/tables.js';
import type { IntakeTables } from '../intake/tables.js';
import type { OpsTables } from '../ops/tables.js';
import type { SearchTables } from '../search/tables.js';
import type { VaultTables } from '../vault/tables.js';
import type { StoreTables } from './tables.js';

export interface Database
  extends StoreTables,
    VaultTables,
    CustodyTables,
    AccessTables,
    OpsTables,
    CasesTables,
    SearchTables,
    IntakeTables,
    AnalysisTables {}
