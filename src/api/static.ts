/**
 * static.ts — serves the built web app (web/dist, made by `vite build web`) from the API server:
 * files by path, and index.html for any other GET outside /api (the app routes on the client).
 *
 * - Hashed build files under /assets/ are immutable: cached for a year. index.html, sw.js and
 *   the manifest are revalidated on every load (`no-cache`), so a new build is seen at once.
 * - The URL path is attacker-controlled: it is decoded once, must not contain NUL, backslash or a
 *   `..` segment, and is only ever a key into the list of files read from the build directory
 *   at startup (never joined onto a file system path), so nothing outside the build is served;
 *   a file added to web/dist later is not served until restart.
 * - GET /api/… that no route matched stays a problem+json 404; so does every other method.
 * - Without a build (web/dist missing), nothing is registered and the API works alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problems.js';

/** DEFAULT_WEB_DIST is where `vite build web` writes the app. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
}

/** listFiles returns every regular file under `root` keyed by its URL path (`/assets/x.js`). */
function listFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const abs = join(root, rel);
    if (!statSync(abs).isFile()) continue;
    const urlPath = `/${rel.split(sep).join('/')}`;
    files.set(urlPath, {
      body: readFileSync(abs),
      type: TYPES[extname(rel)] ?? 'application/octet-stream',
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
    });
  }
  return files;
}

/** safePath decodes a request path, or returns null when it is malformed or escapes the root. */
function safePath(url: string): string | null {
  const raw = url.split('?', 1)[0]!;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  return path;
}

/**
 * registerWebApp adds the web app's routes to `app` when `dist` holds a build; it returns
 * whether it did. Register it after every /api route.
 */
export function registerWebApp(app: FastifyInstance, dist = DEFAULT_WEB_DIST): boolean {
  const root = resolve(dist);
  let files: Map<string, StaticFile>;
  try {
    files = listFiles(root);
  } catch {
    return false;
  }
  const index = files.get('/index.html');
  if (!index) return false;

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = safePath(request.url);
    if (path === null || path === '/api' || path.startsWith('/api/')) throw new HttpProblem('not-found');
    const file = files.get(path);
    if (file) {
      return reply.type(file.type).header('cache-control', file.cacheControl).send(file.body);
    }
    // A missing build file is a 404, not the app (a stale page asking for an old chunk).
    if (path.startsWith('/assets/') || TYPES[extname(path)] !== undefined) throw new HttpProblem('not-found');
    return reply.type(index.type).header('cache-control', REVALIDATE).send(index.body);
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(index.type).header('cache-control', REVALIDATE).send(index.body),
  );
  return true;
}
