/**
 * cli-build.test.ts — `bin/attest.js` runs the compiled program (dist/, scripts/build-cli.js)
 * only while it is a build of exactly the sources; any change to src/ makes it run the sources
 * through tsx until the next build (bin/compiled.js). Tested on a copy of bin/, the build script
 * and a two-file src/ that reports which file ran, with the repository's node_modules.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './support/stores.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

describe('the compiled CLI (bin/attest.js, scripts/build-cli.js)', () => {
  let root: string;
  const main = () => join(root, 'src', 'cli', 'main.ts');
  /** ran runs the copy's bin/attest.js and returns what its main printed. */
  const ran = (env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, [join(root, 'bin', 'attest.js'), 'x'], {
      env: { ...process.env, ATTEST_FROM_SOURCE: '', ...env },
      encoding: 'utf8',
    }).trim();
  const build = () =>
    execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.js')], { encoding: 'utf8' });
  const writeMain = (word: string) =>
    writeFileSync(
      main(),
      [
        "import { word } from './word.js';",
        "import { sql } from 'kysely';",
        'export async function main(args: string[]): Promise<number> {',
        '  const from: string = import.meta.url.includes("/dist/") ? "dist" : "src";',
        `  console.log(\`\${from} \${word} ${word} \${typeof sql} \${args.join(',')}\`);`,
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );

  before(() => {
    root = scratchDir('attest-cli-build-');
    for (const f of [
      'bin/attest.js',
      'bin/compiled.js',
      'scripts/build-cli.js',
      'tsconfig.json',
      'package.json',
    ])
      cpSync(join(REPO, f), join(root, f));
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    writeFileSync(join(root, 'src', 'cli', 'word.ts'), "export const word: string = 'one';\n");
    writeFileSync(join(root, 'src', 'cli', 'main.test.ts'), '// a test: not part of the build\n');
    writeMain('first');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs the sources through tsx while there is no build', () => {
    assert.equal(ran(), 'src one first function x');
  });

  it('runs the build once made, with vendored packages bundled, and the sources when asked', () => {
    assert.match(build(), /CLI compiled to dist\/ \(2 files/);
    assert.equal(ran(), 'dist one first function x');
    assert.match(
      readFileSync(join(root, 'dist', 'cli', 'main.js'), 'utf8'),
      /from "\.\.\/vendor\/kysely\.js"/,
    );
    assert.equal(ran({ ATTEST_FROM_SOURCE: '1' }), 'src one first function x');
  });

  it('keeps the build when a file is only touched, or a test changes', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(main(), later, later);
    writeFileSync(join(root, 'src', 'cli', 'main.test.ts'), '// changed\n');
    assert.equal(ran(), 'dist one first function x');
  });

  it('never runs a stale build: a changed, added or removed file, or tsconfig.json, runs the sources', () => {
    writeMain('second');
    assert.equal(ran(), 'src one second function x');
    build();
    assert.equal(ran(), 'dist one second function x');

    writeFileSync(join(root, 'src', 'cli', 'extra.ts'), 'export {};\n');
    assert.equal(ran(), 'src one second function x');
    rmSync(join(root, 'src', 'cli', 'extra.ts'));
    assert.equal(ran(), 'dist one second function x');

    // Same size, same modification time, different bytes: the hash decides.
    const word = join(root, 'src', 'cli', 'word.ts');
    const stamp = JSON.parse(readFileSync(join(root, 'dist', 'build-stamp.json'), 'utf8'));
    writeFileSync(word, "export const word: string = 'two';\n");
    const recorded = new Date(stamp.files['cli/word.ts'].mtimeMs);
    utimesSync(word, recorded, recorded);
    assert.equal(ran(), 'src two second function x');
    build();
    assert.equal(ran(), 'dist two second function x');

    const tsconfig = join(root, 'tsconfig.json');
    writeFileSync(tsconfig, `${readFileSync(tsconfig, 'utf8')}\n`);
    assert.equal(ran(), 'src two second function x');
    build();
    rmSync(join(root, 'dist', 'build-stamp.json'));
    assert.equal(ran(), 'src two second function x');
  });

  it('`--if-stale` builds only when the build is stale', () => {
    build();
    assert.equal(
      execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.js'), '--if-stale'], {
        encoding: 'utf8',
      }),
      '',
    );
    writeMain('third');
    assert.match(
      execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.js'), '--if-stale'], {
        encoding: 'utf8',
      }),
      /CLI compiled/,
    );
    assert.equal(ran(), 'dist two third function x');
  });
});
