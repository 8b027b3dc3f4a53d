/**
 * warc.ts — a capture as a WARC 1.1 file (ISO 28500:2017; the IIPC text of WARC 1.1), written
 * with warcio: one `warcinfo` record (§6.2: the software, the format, the capture's start URL),
 * then for every hop a `request` record (§6.4: the request as sent) and its `response` record
 * (§6.3: status line, headers and body as received, `WARC-IP-Address` §5.11,
 * `WARC-Concurrent-To` §5.7 tying the pair), each dated when the response began (`WARC-Date`
 * §5.4). Block and payload digests (§5.8, §5.9) are SHA-256, as `sha256:<hex>`.
 *
 * One change to what the server sent, made for the sake of replay: Node's HTTP client removes
 * chunked transfer coding, so a `Transfer-Encoding` header is kept under
 * `X-Attest-Orig-Transfer-Encoding` (the body stored is the de-chunked payload; a replay tool
 * reading `Transfer-Encoding: chunked` would try to de-chunk it again).
 */
import { WARCRecord, WARCSerializer } from 'warcio';
import { VERSION } from '../../version.js';
import type { Exchange } from './fetch.js';

const WARC_VERSION = 'WARC/1.1';
const DIGEST = { algo: 'sha-256', prefix: 'sha256:', base32: false } as const;

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

function replayableHeaders(headers: readonly [string, string][]): [string, string][] {
  return headers.map(([k, v]) =>
    k.toLowerCase() === 'transfer-encoding' ? ['X-Attest-Orig-Transfer-Encoding', v] : [k, v],
  );
}

/** buildWarc serialises the exchanges of one capture; `filename` is recorded in warcinfo. */
export async function buildWarc(exchanges: readonly Exchange[], filename: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const info = WARCRecord.createWARCInfo(
    { filename, warcVersion: WARC_VERSION, ...(exchanges[0] ? { date: exchanges[0].at } : {}) },
    {
      software: `Attest ${VERSION} (warcio.js)`,
      format: 'WARC File Format 1.1',
      conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      'http-header-user-agent': exchanges[0]?.requestHeaders.find(([k]) => k === 'User-Agent')?.[1] ?? '',
    },
  );
  parts.push(await WARCSerializer.serialize(info, { digest: DIGEST }));
  for (const ex of exchanges) {
    const response = WARCRecord.create(
      {
        url: ex.url,
        date: ex.at,
        type: 'response',
        warcVersion: WARC_VERSION,
        statusline: `HTTP/${ex.httpVersion} ${ex.status} ${ex.statusText}`.trimEnd(),
        httpHeaders: replayableHeaders(ex.headers),
        keepHeadersCase: true,
        warcHeaders: ex.ip ? { 'WARC-IP-Address': ex.ip } : {},
      },
      once(ex.body),
    );
    parts.push(await WARCSerializer.serialize(response, { digest: DIGEST }));
    const responseId = response.warcHeader('WARC-Record-ID') ?? '';
    const request = WARCRecord.create(
      {
        url: ex.url,
        date: ex.at,
        type: 'request',
        warcVersion: WARC_VERSION,
        statusline: ex.requestLine,
        httpHeaders: [...ex.requestHeaders],
        keepHeadersCase: true,
        warcHeaders: responseId ? { 'WARC-Concurrent-To': responseId } : {},
      },
      once(new Uint8Array(0)),
    );
    parts.push(await WARCSerializer.serialize(request, { digest: DIGEST }));
  }
  return Buffer.concat(parts);
}
