/**
 * main.test.ts — which commands start without the rest of the program (commandOf), and that
 * such a command, started alone, is the same command as in the whole program.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../../test/support/cli.js';
import { commandOf } from './main.js';

describe('attest: commands that start alone', () => {
  it('commandOf finds backup and restore after the global options, nothing else', () => {
    assert.equal(commandOf(['backup', '--out', 'x']), 'backup');
    assert.equal(commandOf(['--data', '/srv/d', 'restore', 'b']), 'restore');
    assert.equal(commandOf(['--data=/srv/d', 'backup']), 'backup');
    // `--data backup` is a data directory named backup, not the command.
    assert.equal(commandOf(['--data', 'backup', 'verify']), undefined);
    assert.equal(commandOf(['--help', 'backup']), undefined);
    assert.equal(commandOf(['-V']), undefined);
    assert.equal(commandOf(['verify']), undefined);
    assert.equal(commandOf(['constructor']), undefined);
    assert.equal(commandOf([]), undefined);
  });

  it('backup and restore alone print the same help as in the whole program', async () => {
    const all = await runCli(['help', 'backup'], {});
    const alone = await runCli(['backup', '--help'], {});
    assert.equal(alone.code, 0);
    assert.equal(alone.stdout, all.stdout);
    assert.match(alone.stdout, /--out <dir\|file\.tar>/);
    const restoreAll = await runCli(['help', 'restore'], {});
    const restoreAlone = await runCli(['restore', '--help'], {});
    assert.equal(restoreAlone.stdout, restoreAll.stdout);
    assert.match(restoreAlone.stdout, /--snapshot <id>/);
  });

  it('a command started alone still refuses what the whole program refuses', async () => {
    const r = await runCli(['backup', '--out', '/nonexistent/x'], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ATTEST_BACKUP_PASSPHRASE/);
  });
});
