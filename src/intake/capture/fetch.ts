/**
 * fetch.ts — fetches a web page for capture, exactly once per hop, keeping what a web archive
 * needs: each request as sent and each response as received (status line, raw header pairs,
 * body bytes, the server's IP address, the time). Redirects are followed, each hop becoming its
 * own request/response pair in the WARC (WARC 1.1 §6.3, §6.4).
 *
 * Outside input from end to end, so everything is bounded (DESIGN.md rule 6): redirects
 * (ATTEST_CAPTURE_MAX_REDIRECTS), body bytes (ATTEST_CAPTURE_MAX_BYTES, counted as they arrive,
 * so a page that streams without end stops at the limit), the whole fetch (ATTEST_CAPTURE_TIMEOUT_MS),
 * header size (Node's 16 KiB). And a server that asks for captures must not become a way into
 * the network it sits in (SSRF): every address a host name resolves to is checked, in the socket's
 * own DNS lookup so the checked address is the one connected to (no re-resolution, no DNS
 * rebinding), and loopback, private, link-local, shared, multicast and reserved ranges are refused
 * unless the deployment allows them (ATTEST_CAPTURE_ALLOW_PRIVATE=1, e.g. an intranet or tests).
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { VERSION } from '../../version.js';
import { IntakeError } from '../errors.js';

/** One request and the response to it. */
export interface Exchange {
  readonly url: string;
  /** The request line and headers exactly as sent. */
  readonly requestLine: string;
  readonly requestHeaders: readonly [string, string][];
  readonly ip: string;
  /** When the response began (ISO 8601, from the context's clock). */
  readonly at: string;
  readonly httpVersion: string;
  readonly status: number;
  readonly statusText: string;
  /** Header name/value pairs in the order received (repeated names kept). */
  readonly headers: readonly [string, string][];
  readonly body: Buffer;
}

export interface FetchOptions {
  readonly maxRedirects: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  readonly now: () => Date;
  readonly signal?: AbortSignal;
}

const MAX_URL_CHARS = 4096;
export const USER_AGENT = `Attest-capture/${VERSION} (evidence preservation; +https://attest.example/capture)`;

/** Address ranges a capture never connects to unless allowed (RFC 6890 special-purpose blocks). */
const BLOCKED = (() => {
  const b = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    b.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [
    ['::', 128],
    ['::1', 128],
    ['64:ff9b::', 96],
    ['100::', 64],
    ['2001:db8::', 32],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    b.addSubnet(net, bits, 'ipv6');
  return b;
})();

/** isBlockedAddress says whether `ip` lies in a range captures may not reach by default. */
export function isBlockedAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return BLOCKED.check(ip, 'ipv4');
  if (family !== 6) return true;
  // An IPv4 address carried in IPv6 (::ffff:a.b.c.d) is judged as that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  return BLOCKED.check(ip, 'ipv6');
}

/** parseCaptureUrl accepts an absolute http(s) URL without credentials, or throws INVALID_URL. */
export function parseCaptureUrl(raw: string): URL {
  if (raw.length > MAX_URL_CHARS)
    throw new IntakeError('INVALID_URL', `the URL is longer than ${MAX_URL_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IntakeError('INVALID_URL', 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new IntakeError('INVALID_URL', `only http and https pages are captured, not ${url.protocol}`);
  // Credentials in a URL would end up in the WARC and the item's metadata.
  if (url.username || url.password)
    throw new IntakeError('INVALID_URL', 'the URL carries a user name or password');
  if (!url.hostname) throw new IntakeError('INVALID_URL', 'the URL names no host');
  url.hash = '';
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** guardedLookup resolves like dns.lookup and refuses blocked addresses (see the file comment). */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (list.length === 0)
        return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
      if (!allowPrivate && list.some((a) => isBlockedAddress(a.address))) {
        return callback(Object.assign(new Error('blocked address'), { code: 'ATTEST_BLOCKED_ADDRESS' }), []);
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** fetchPage fetches `start` and the redirects it leads to; the last exchange is the page. */
export async function fetchPage(start: URL, options: FetchOptions): Promise<Exchange[]> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new IntakeError(
          'TIMEOUT',
          `the capture took longer than ${options.timeoutMs} ms (ATTEST_CAPTURE_TIMEOUT_MS)`,
        ),
      ),
    options.timeoutMs,
  );
  const onOuterAbort = () => deadline.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const exchanges: Exchange[] = [];
    let url = start;
    for (;;) {
      const ex = await fetchOnce(url, options, deadline.signal);
      exchanges.push(ex);
      const location = ex.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
      if (ex.status < 300 || ex.status > 399 || ex.status === 304 || !location) return exchanges;
      if (exchanges.length > options.maxRedirects) {
        throw new IntakeError(
          'TOO_MANY_REDIRECTS',
          `the page redirected more than ${options.maxRedirects} times (ATTEST_CAPTURE_MAX_REDIRECTS)`,
        );
      }
      let next: URL;
      try {
        next = parseCaptureUrl(new URL(location, url).toString());
      } catch (err) {
        throw new IntakeError(
          'CAPTURE_FAILED',
          `redirect ${exchanges.length} points to an unusable location: ${(err as Error).message}`,
        );
      }
      url = next;
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function fetchOnce(url: URL, options: FetchOptions, signal: AbortSignal): Promise<Exchange> {
  const literal = isIP(url.hostname.replace(/^\[|\]$/g, ''));
  if (literal && !options.allowPrivate && isBlockedAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(blocked(url));
  }
  const path = `${url.pathname || '/'}${url.search}`;
  const requestHeaders: [string, string][] = [
    ['Host', url.host],
    ['User-Agent', USER_AGENT],
    ['Accept', 'text/html,application/xhtml+xml,*/*;q=0.8'],
    // The bytes are kept as sent; asking for no compression keeps them readable without a decoder.
    ['Accept-Encoding', 'identity'],
    ['Connection', 'close'],
  ];
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Exchange>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: Object.fromEntries(requestHeaders),
        lookup: guardedLookup(options.allowPrivate) as never,
        agent: false,
        signal,
      },
      (res) => {
        const at = options.now().toISOString();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > options.maxBytes) {
            res.destroy(
              new IntakeError(
                'CAPTURE_TOO_LARGE',
                `the page sent more than ${options.maxBytes} bytes (ATTEST_CAPTURE_MAX_BYTES)`,
              ),
            );
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => reject(normalise(err, url, signal)));
        res.on('end', () => {
          const raw = res.rawHeaders;
          const headers: [string, string][] = [];
          for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
          resolve({
            url: url.toString(),
            requestLine: `GET ${path} HTTP/1.1`,
            requestHeaders,
            ip: res.socket?.remoteAddress ?? '',
            at,
            httpVersion: res.httpVersion,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', (err) => reject(normalise(err, url, signal)));
    req.end();
  });
}

function blocked(url: URL): IntakeError {
  return new IntakeError(
    'INVALID_URL',
    `${url.hostname} is a loopback, private or reserved address; captures of internal hosts are off (ATTEST_CAPTURE_ALLOW_PRIVATE)`,
  );
}

/** normalise turns a socket or parser error into an IntakeError with a stable code. */
function normalise(err: unknown, url: URL, signal: AbortSignal): IntakeError {
  if (signal.aborted && signal.reason instanceof IntakeError) return signal.reason;
  if (err instanceof IntakeError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ATTEST_BLOCKED_ADDRESS') return blocked(url);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN')
    return new IntakeError('CAPTURE_FAILED', `${url.hostname} does not resolve`);
  if (e?.code === 'HPE_HEADER_OVERFLOW')
    return new IntakeError('CAPTURE_FAILED', 'the server sent response headers over 16 KiB');
  return new IntakeError(
    'CAPTURE_FAILED',
    `${url.host} did not answer a complete response (${e?.code ?? e?.message ?? 'error'})`,
  );
}
