/**
 * commands.ts — every command of `attest`, in the order `--help` lists them: the app-level ones
 * that live here (init, serve) and each domain's, from its cli entry. This is the one registry;
 * it is also where commands that need two domains get them (the log's `item` lookup and
 * `attest verify`'s vault check come from the vault, so custody never imports the vault).
 */

import { registerUser } from '../access/cli.js';
import { registerAnalysis, verifyAnalysis } from '../analysis/index.js';
import { registerCases } from '../cases/cli.js';
import { verifyConsent } from '../cases/index.js';
import { logCommands, type VerifyCheck, verifyCommand } from '../custody/cli/index.js';
import { registerDemo } from '../demo/cli.js';
import { registerIntake } from '../intake/cli.js';
import { registerOps } from '../ops/cli.js';
import { registerSearch } from '../search/index.js';
import { VAULT_COMMANDS } from '../vault/cli/index.js';
import { checkItemsAgainstLog, getItem, verifyBlobOrphans, verifyVaultRecords } from '../vault/index.js';
import type { Register } from './command.js';
import { registerBackup } from './commands/backup.js';
import { registerBlobs } from './commands/blobs.js';
import { registerInit } from './commands/init.js';
import { registerJobs } from './commands/jobs.js';
import { registerServe } from './commands/serve.js';

/**
 * The domains' parts of `attest verify`, in order (the custody log's own run after them, with the
 * vault's items ↔ log check). All but `live` ones read one snapshot of the database.
 */
export const VERIFY_CHECKS: readonly VerifyCheck[] = [
  { name: 'vault', run: (ctx) => verifyVaultRecords(ctx) },
  { name: 'analysis', run: (ctx) => verifyAnalysis(ctx) },
  { name: 'consent', run: (ctx) => verifyConsent(ctx) },
  { name: 'blob-orphans', live: true, run: (ctx) => verifyBlobOrphans(ctx) },
];

export const COMMANDS: readonly Register[] = [
  registerInit,
  ...VAULT_COMMANDS,
  verifyCommand(VERIFY_CHECKS, checkItemsAgainstLog),
  registerServe,
  registerJobs,
  registerBlobs,
  registerBackup,
  logCommands(getItem),
  registerUser,
  registerOps,
  registerCases,
  registerDemo,
  registerSearch,
  registerIntake,
  registerAnalysis,
];
