// The ordered list of migrations. Append only; never edit or reorder a released one.
import type { Migration } from 'kysely';
import * as m0001 from './0001-vault.js';
import * as m0002 from './0002-custody.js';
import * as m0003 from './0003-access.js';
import * as m0004 from './0004-ops.js';
import * as m0005 from './0005-uploads.js';
import * as m0006 from './0006-cases.js';
import * as m0007 from './0007-custody-hardening.js';
import * as m0008 from './0008-jobs.js';
import * as m0009 from './0009-ops-alert-actor.js';
import * as m0010 from './0010-search.js';
import * as m0011 from './0011-ops-field.js';
import * as m0012 from './0012-access-audit-compartment.js';
import * as m0013 from './0013-upload-lock-concat.js';
import * as m0014 from './0014-cases-export-jobs.js';
import * as m0015 from './0015-analysis.js';
import * as m0018 from './0018-log-signer.js';
import * as m0020 from './0020-item-notes-saved-searches.js';
import * as m0022 from './0022-search-filter-terms.js';
import * as m0023 from './0023-shared-streams-uploads.js';
import * as m0024 from './0024-consent-custody.js';
import * as m0025 from './0025-route-point-monitors.js';
import * as m0026 from './0026-search-shards.js';
import * as m0027 from './0027-saved-search-scope.js';
import * as m0028 from './0028-search-names.js';
import * as m0029 from './0029-log-witness.js';
import * as m0032 from './0032-upload-quota.js';
import * as m0034 from './0034-saved-search-names-per-scope.js';
import * as m0035 from './0035-search-sequence.js';

export const migrations: Record<string, Migration> = {
  '0001-vault': m0001,
  '0002-custody': m0002,
  '0003-access': m0003,
  '0004-ops': m0004,
  '0005-uploads': m0005,
  '0006-cases': m0006,
  '0007-custody-hardening': m0007,
  '0008-jobs': m0008,
  '0009-ops-alert-actor': m0009,
  '0010-search': m0010,
  '0011-ops-field': m0011,
  '0012-access-audit-compartment': m0012,
  '0013-upload-lock-concat': m0013,
  '0014-cases-export-jobs': m0014,
  '0015-analysis': m0015,
  '0018-log-signer': m0018,
  '0020-item-notes-saved-searches': m0020,
  '0022-search-filter-terms': m0022,
  '0023-shared-streams-uploads': m0023,
  '0025-route-point-monitors': m0025,
  '0024-consent-custody': m0024,
  '0026-search-shards': m0026,
  '0027-saved-search-scope': m0027,
  '0028-search-names': m0028,
  '0029-log-witness': m0029,
  '0032-upload-quota': m0032,
  '0034-saved-search-names-per-scope': m0034,
  '0035-search-sequence': m0035,
};
