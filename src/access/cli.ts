/**
 * cli.ts — `attest user …`: add users (printing a one-time link to set their password; no
 * password ever goes on a command line), list them, disable them, grant roles, and issue a new
 * password link. Each change is written to the access audit with actor `cli`.
 *
 *   attest user add amal --role investigator --compartment witness
 *   attest user grant amal legal '*'
 *   attest user disable amal
 */

import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../cli/io.js';
import { type Config, publicBase } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { AuditSource } from './audit/service.js';
import { AccessError } from './errors.js';
import { grantRole } from './grants/service.js';
import { passwordPath } from './links/paths.js';
import { issuePasswordLink } from './links/service.js';
import { isRole, ROLES } from './permissions.js';
import { createUser, disableUser, findUserId, listUsers } from './users/service.js';

/** The CLI acts as `cli` in the access audit (whoever can run it owns the data directory). */
const CLI: AuditSource = { actorId: 'cli' };

/** baseUrl is where people reach this deployment, for printed links (ATTEST_PUBLIC_URL first). */
export function baseUrl(config: Config): string {
  return publicBase(config);
}

async function userIdOf(ctx: Ctx, username: string): Promise<string> {
  const id = await findUserId(ctx, username);
  if (!id) throw new CliExit(EXIT.failed, `no user ${username}`);
  return id;
}

function friendly<T>(p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    if (err instanceof AccessError)
      throw new CliExit(err.code === 'NOT_FOUND' ? EXIT.failed : EXIT.usage, err.message);
    throw err;
  });
}

export const registerUser: Register = (program, { io }) => {
  const user = program.command('user').description('user accounts: add, list, disable, grant roles');
  const open = <T>(fn: (ctx: Ctx) => Promise<T>) => friendly(withStore(io, program.opts(), fn));

  user
    .command('add <username>')
    .description('add a user and print a one-time link (valid 24 h) where they set their password')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--compartment <name>', 'where the role applies (* = every compartment)', '*')
    .action(async (username: string, opts: { role: string; compartment: string }) => {
      if (!isRole(opts.role)) throw new CliExit(EXIT.usage, `--role must be one of ${ROLES.join(', ')}`);
      const out = await open(async (ctx) => {
        const created = await createUser(
          ctx,
          { username, role: opts.role, compartment: opts.compartment },
          CLI,
        );
        return { created, url: `${baseUrl(ctx.config)}${passwordPath(created.passwordToken)}` };
      });
      println(io.stdout, `Added ${out.created.user.username} (${opts.role} in ${opts.compartment}).`);
      println(
        io.stdout,
        `Send them this one-time link to set their password (valid until ${out.created.passwordTokenExpiresAt}):`,
      );
      println(io.stdout, `  ${out.url}`);
    });

  user
    .command('list')
    .description('list users and their grants')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const users = await open((ctx) => listUsers(ctx));
      if (opts.json) return printJson(io, users);
      for (const u of users) {
        const grants = u.grants.map((g) => `${g.role}@${g.compartment}`).join(' ');
        const state = u.disabled ? 'disabled' : u.hasPassword ? 'active' : 'no password yet';
        println(io.stdout, `${u.username.padEnd(24)} ${state.padEnd(16)} ${grants}`);
      }
    });

  user
    .command('disable <username>')
    .description('disable a user: their sessions and API tokens stop working at once')
    .action(async (username: string) => {
      await open(async (ctx) => {
        const id = await userIdOf(ctx, username);
        await disableUser(ctx, id, CLI);
      });
      println(io.stdout, `Disabled ${username.toLowerCase()}.`);
    });

  user
    .command('grant <username> <role> <compartment>')
    .description("give a user a role in a compartment ('*' = every compartment)")
    .action(async (username: string, role: string, compartment: string) => {
      if (!isRole(role)) throw new CliExit(EXIT.usage, `role must be one of ${ROLES.join(', ')}`);
      await open(async (ctx) => {
        const id = await userIdOf(ctx, username);
        await grantRole(ctx, id, role, compartment, CLI);
      });
      println(io.stdout, `Granted ${role} in ${compartment} to ${username.toLowerCase()}.`);
    });

  user
    .command('reset <username>')
    .description('print a new one-time link (valid 24 h) where the user sets a new password')
    .action(async (username: string) => {
      const out = await open(async (ctx) => {
        const id = await userIdOf(ctx, username);
        const link = await issuePasswordLink(ctx, id, CLI);
        return { link, url: `${baseUrl(ctx.config)}${passwordPath(link.token)}` };
      });
      println(io.stdout, `One-time link for ${username.toLowerCase()} (valid until ${out.link.expiresAt}):`);
      println(io.stdout, `  ${out.url}`);
    });
};
