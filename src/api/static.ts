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
 * - Text files are sent precompressed when the build wrote `NAME.br` / `NAME.gz` (web/vite.config.ts)
 *   and the request's Accept-Encoding allows it (RFC 9110 §12.5.3: q-values, `q=0` refuses,
 *   `*` stands for any encoding not named): brotli first, then gzip, else the file as it is.
 *   Every such response carries `Vary: Accept-Encoding` (RFC 9110 §12.5.5) so a shared cache
 *   keeps the variants apart. The `.br`/`.gz` files are not served under their own names.
 * - GET /api/… that no route matched stays a problem+json 404; so does every other method.
 * - Without a build (web/dist missing), nothing is registered and the API works alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from './problems.js';

/** DEFAULT_WEB_DIST is where `vite build web` writes the app. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  // pdf.js's worker keeps its .mjs name through the build (web/src/evidence/pdf-pages.tsx).
  '.mjs': 'text/javascript; charset=utf-8',
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

/** ENCODINGS are the precompressed variants the build writes, best first. */
const ENCODINGS = [
  { coding: 'br', ext: '.br' },
  { coding: 'gzip', ext: '.gz' },
] as const;
type Coding = (typeof ENCODINGS)[number]['coding'];

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
  /** Precompressed bodies by content coding (empty: the file is sent as it is). */
  readonly encoded: ReadonlyMap<Coding, Buffer>;
}

/** listFiles returns every regular file under `root` keyed by its URL path (`/assets/x.js`). */
function listFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const all = new Set(readdirSync(root, { recursive: true, encoding: 'utf8' }));
  for (const rel of all) {
    const abs = join(root, rel);
    // A variant is served only through content negotiation on its original's path.
    if (ENCODINGS.some((e) => rel.endsWith(e.ext) && all.has(rel.slice(0, -e.ext.length)))) continue;
    if (!statSync(abs).isFile()) continue;
    const urlPath = `/${rel.split(sep).join('/')}`;
    const encoded = new Map<Coding, Buffer>();
    for (const e of ENCODINGS) {
      if (all.has(rel + e.ext)) encoded.set(e.coding, readFileSync(abs + e.ext));
    }
    files.set(urlPath, {
      body: readFileSync(abs),
      type: TYPES[extname(rel)] ?? 'application/octet-stream',
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
      encoded,
    });
  }
  return files;
}

/**
 * acceptedCodings reads an Accept-Encoding header (RFC 9110 §12.5.3) into the q-value of each
 * coding we have (0 = refused). The header is attacker-controlled: it is cut at 1 KiB and parsed
 * token by token; anything malformed counts as not listed. `identity` is always acceptable here:
 * a request that refuses it still gets the plain file rather than a 406.
 */
export function acceptedCodings(header: string | undefined): Map<Coding, number> {
  const listed = new Map<string, number>();
  for (const part of (header ?? '').slice(0, 1024).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m) q = Math.min(1, Number(m[1]));
    }
    listed.set(name.trim(), q);
  }
  const out = new Map<Coding, number>();
  for (const { coding } of ENCODINGS) {
    const q =
      listed.get(coding) ?? (coding === 'gzip' ? listed.get('x-gzip') : undefined) ?? listed.get('*') ?? 0;
    out.set(coding, q);
  }
  return out;
}

/** chooseCoding picks the best precompressed body the client accepts (highest q, then br over gzip). */
function chooseCoding(file: StaticFile, header: string | undefined): Coding | null {
  if (file.encoded.size === 0) return null;
  const accepted = acceptedCodings(header);
  let best: Coding | null = null;
  let bestQ = 0;
  for (const { coding } of ENCODINGS) {
    const q = accepted.get(coding) ?? 0;
    if (file.encoded.has(coding) && q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** send replies with `file` in the best encoding the request accepts. */
function send(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  cacheControl = file.cacheControl,
) {
  reply.type(file.type).header('cache-control', cacheControl);
  if (file.encoded.size === 0) return reply.send(file.body);
  reply.header('vary', 'Accept-Encoding');
  const coding = chooseCoding(file, request.headers['accept-encoding']);
  if (coding === null) return reply.send(file.body);
  return reply.header('content-encoding', coding).send(file.encoded.get(coding));
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
    if (file) return send(request, reply, file);
    // A missing build file is a 404, not the app (a stale page asking for an old chunk).
    if (
      path.startsWith('/assets/') ||
      TYPES[extname(path)] !== undefined ||
      ENCODINGS.some((e) => path.endsWith(e.ext))
    )
      throw new HttpProblem('not-found');
    return send(request, reply, index, REVALIDATE);
  });
  app.get('/', { schema: { hide: true } }, async (request, reply) => send(request, reply, index, REVALIDATE));
  return true;
}
