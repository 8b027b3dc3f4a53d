/**
 * client.ts — fetch for the API: JSON in and out, the session cookie (same origin), the CSRF
 * token on unsafe methods (`x-csrf-token`, src/access/auth-plugin.ts), and RFC 9457 problems
 * turned into ApiError. A failed network (offline) is an ApiError with status 0.
 */

let csrfToken: string | undefined;

/** setCsrfToken keeps the session's CSRF token for later unsafe requests. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** csrfHeader is the header unsafe requests made outside api() (tus uploads) must carry. */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** ApiError is a failed request: HTTP status (0 = no network), problem type and detail. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly detail: string | undefined;
  /** Further members of the problem document (e.g. `retryAfter`). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(status: number, type: string, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ? `${type}: ${detail}` : type);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.detail = detail;
    this.extra = extra;
  }

  /** isNetwork says the request never reached the server (offline, connection refused). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

/** problemCode returns the last path segment of a problem `type` URI (`…/invalid-signature`). */
export function problemCode(type: string): string {
  return type.slice(type.lastIndexOf('/') + 1);
}

/** api sends one request and returns the parsed JSON body (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A Blob (a photo) goes as raw bytes with its own type; anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined)
    headers['content-type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { type?: string; detail?: string; title?: string } & Record<string, unknown>;
    throw new ApiError(res.status, problemCode(p.type ?? `http-${res.status}`), p.detail ?? p.title, p);
  }
  return parsed as T;
}
