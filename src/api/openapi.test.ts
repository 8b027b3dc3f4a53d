/**
 * openapi.test.ts — the OpenAPI document serves client generators (issue 19.3): every operation has
 * a unique operationId, a summary, its real success codes and its problem responses as `$ref`s to
 * one problem schema; and a client generated from it by `openapi-typescript` compiles a few typed
 * calls (and refuses a wrong one, so the check can fail).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from './server.js';

interface Operation {
  operationId?: string;
  summary?: string;
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}
type Doc = {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, unknown>; schemas: Record<string, unknown> };
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

describe('the OpenAPI document (issue 19.3)', () => {
  let s: TestStore;
  let app: FastifyInstance;
  let doc: Doc;
  let dir: string;

  before(async () => {
    s = await openTestStore('sqlite');
    app = await buildApp(s.ctx, { webDist: false });
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    dir = mkdtempSync(join(tmpdir(), 'attest-openapi-client-'));
  });
  after(async () => {
    await app.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => METHODS.has(m))
        .map(([method, op]) => ({ path, method, op })),
    );

  it('gives every operation a unique operationId, a summary, a success response and problem $refs', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId, `${where}: operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${where}: summary`);
      const codes = Object.keys(op.responses);
      assert.ok(
        codes.some((c) => /^2\d\d$/.test(c)),
        `${where}: a success response`,
      );
      assert.ok(
        codes.some((c) => /^[45]\d\d$/.test(c)),
        `${where}: problem responses`,
      );
      for (const [code, r] of Object.entries(op.responses).filter(([c]) => /^[45]/.test(c))) {
        const ref = r.$ref ?? '';
        const own = r.content?.['application/problem+json'];
        assert.ok(ref.startsWith('#/components/responses/Problem') || own, `${where} ${code}: a problem`);
      }
    }
    assert.ok(doc.components.schemas.Problem, 'one problem schema');
    assert.ok(doc.servers.length > 0 && doc.servers[0]!.url.startsWith('http'), 'a server');
  });

  it('documents the real success codes of tus and the CSV export', () => {
    const codes = (path: string, method: string) => Object.keys(doc.paths[path]![method]!.responses);
    assert.ok(codes('/api/uploads', 'post').includes('201'));
    assert.ok(codes('/api/uploads/{id}', 'patch').includes('204'));
    assert.ok(codes('/api/uploads/{id}', 'delete').includes('204'));
    assert.ok(codes('/api/uploads/{id}', 'head').includes('200'));
    assert.ok(codes('/api/uploads', 'options').includes('204'));
    const csv = doc.paths['/api/audit.csv']!.get!.responses['200']!;
    assert.deepEqual(Object.keys(csv.content ?? {}), ['text/csv']);
  });

  it('generates a typed client with openapi-typescript that compiles typed calls, and refuses a wrong one', async () => {
    writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(doc as never)));
    const client = (wrong: string) => `
      import type { paths } from './schema.js';
      type ItemList = paths['/api/items']['get']['responses'][200]['content']['application/json'];
      type ItemQuery = NonNullable<paths['/api/items']['get']['parameters']['query']>;
      type Item = paths['/api/items/{ern}']['get']['responses'][200]['content']['application/json'];
      type NotFound = paths['/api/items/{ern}']['get']['responses'][404]['content']['application/problem+json'];
      type Version = paths['/api/version']['get']['responses'][200]['content']['application/json'];

      async function getJson<T>(url: string): Promise<T> {
        const res = await fetch(url);
        return (await res.json()) as T;
      }
      export async function firstItem(base: string): Promise<Item | NotFound | null> {
        const query: ItemQuery = { limit: 10 };
        const list = await getJson<ItemList>(\`\${base}/api/items?limit=\${query.limit}\`);
        const next: string | null = list.next;
        const ern: string | undefined = list.items[0]?.ern;
        if (!ern) return next === null ? null : firstItem(base);
        return getJson<Item | NotFound>(\`\${base}/api/items/\${ern}\`);
      }
      export function describe(x: Item | NotFound): string {
        return 'sha256' in x ? \`\${x.ern} \${x.sha256} \${x.size}\` : \`\${x.status} \${x.type}\`;
      }
      export async function version(base: string): Promise<string | undefined> {
        return (await getJson<Version>(\`\${base}/api/version\`)).version;
      }
      ${wrong}
    `;
    const compile = (source: string) => {
      writeFileSync(join(dir, 'client.ts'), source);
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
      });
      return ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    assert.deepEqual(compile(client('')), [], 'the typed calls compile');
    const errors = compile(client('export const wrong: number = ({} as ItemList).items[0]!.ern;'));
    assert.ok(
      errors.some((e) => /string.*number/.test(e)),
      `a wrong type is caught: ${errors}`,
    );
  });
});
