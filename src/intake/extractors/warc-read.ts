/**
 * warc-read.ts — WARC files (web captures, WARC 1.0/1.1, ISO 28500): the records as facts (type,
 * target URI, date, HTTP status; at most 100 listed) and the payload of every successful (2xx)
 * `response` record as a `body` derivative that gets its own intake one level deeper (an HTML page
 * becomes text, an image gets its PDQ hash). Parsed with warcio in the isolated child.
 *
 * Bounds (the file may come from anywhere, not only from Attest's own captures): records per
 * file (ATTEST_INTAKE_MAX_ARCHIVE_MEMBERS), the declared size of each record and of all payloads
 * together (ATTEST_INTAKE_MAX_TEXT_BYTES, ATTEST_INTAKE_MAX_ARCHIVE_BYTES), checked before a
 * payload is read; nesting (ATTEST_INTAKE_MAX_DEPTH). Payloads are kept as stored: a compressed
 * Content-Encoding is not inflated here (no decompression bomb), only named in the facts.
 */
import { createReadStream } from 'node:fs';
import { WARCParser } from 'warcio';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';

const LISTED_RECORDS = 100;
const MEDIA_TYPE =
  /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}(?:\s*;\s*[a-z0-9_-]{1,32}=[^;]{0,64})*$/i;

export function looksLikeWarc(head: Buffer): boolean {
  return /^WARC\/1\.[01]\r?\n/.test(head.subarray(0, 12).toString('latin1'));
}

export const warcReader: Extractor = {
  name: 'warc',
  accepts: (mediaType, head) => mediaType === 'application/warc' || looksLikeWarc(head),
  async extract(input: ExtractInput): Promise<Extraction> {
    const { limits } = input;
    if (input.depth > limits.maxDepth) {
      throw new IntakeError('TOO_DEEP', `WARC nested ${input.depth} levels deep (ATTEST_INTAKE_MAX_DEPTH)`);
    }
    const parser = new WARCParser(createReadStream(input.path));
    const derivatives: Derivative[] = [];
    const records: Record<string, unknown>[] = [];
    let count = 0;
    let payloadBytes = 0;
    let software: string | undefined;
    try {
      for await (const record of parser) {
        input.signal.throwIfAborted();
        count++;
        if (count > limits.maxArchiveMembers) {
          throw new IntakeError(
            'TOO_MANY_MEMBERS',
            `the WARC holds more than ${limits.maxArchiveMembers} records (ATTEST_INTAKE_MAX_ARCHIVE_MEMBERS)`,
          );
        }
        // WARC 1.1 §5: every record names its type, id, date and length.
        for (const field of ['WARC-Type', 'WARC-Record-ID', 'WARC-Date', 'Content-Length']) {
          if (!record.warcHeader(field)) {
            throw new IntakeError('MALFORMED', `WARC record ${count} has no ${field} (WARC 1.1 §5)`);
          }
        }
        const type = record.warcType ?? 'unknown';
        const declared = record.warcContentLength;
        if (!Number.isSafeInteger(declared) || declared < 0 || declared > limits.maxTextBytes) {
          throw new IntakeError(
            'TOO_LARGE',
            `WARC record ${count} declares ${declared} bytes, over the limit of ${limits.maxTextBytes} (ATTEST_INTAKE_MAX_TEXT_BYTES)`,
          );
        }
        const status = record.httpHeaders?.statusCode;
        if (records.length < LISTED_RECORDS) {
          records.push({
            type,
            uri: record.warcTargetURI ?? null,
            date: record.warcDate ?? null,
            ...(status !== undefined ? { status: Number(status) } : {}),
          });
        }
        if (type === 'warcinfo') {
          const text = new TextDecoder().decode(await record.readFully(false));
          software ??= /^software:\s*(.{1,200})$/m.exec(text)?.[1]?.trim();
          continue;
        }
        const ok = type === 'response' && Number(status) >= 200 && Number(status) < 300;
        if (!ok) {
          await record.skipFully();
          continue;
        }
        payloadBytes += declared;
        if (payloadBytes > limits.maxArchiveBytes) {
          throw new IntakeError(
            'TOO_LARGE',
            `the WARC's payloads exceed ${limits.maxArchiveBytes} bytes (ATTEST_INTAKE_MAX_ARCHIVE_BYTES)`,
          );
        }
        const payload = await record.readFully(false);
        const headers = record.httpHeaders?.headers;
        const contentType = headers?.get('content-type')?.trim();
        const encoding = headers?.get('content-encoding')?.trim();
        const uri = record.warcTargetURI ?? '';
        const last =
          uri
            .replace(/[?#].*$/, '')
            .split('/')
            .filter(Boolean)
            .pop() ?? '';
        derivatives.push({
          kind: 'body',
          key: `record:${count}`,
          content: Buffer.from(payload),
          ...(contentType && MEDIA_TYPE.test(contentType) && !encoding ? { mediaType: contentType } : {}),
          originalName: (last.includes('.') ? last : `${last || 'page'}.html`).slice(0, 200),
          title: `Page captured from ${uri}`.slice(0, 500),
          tool: 'warcio',
          toolVersion: '2',
          metadata: {
            targetUri: uri,
            warcDate: record.warcDate ?? null,
            status: Number(status),
            ...(encoding ? { contentEncoding: encoding } : {}),
          },
          intakeDepth: input.depth + 1,
        });
        if (count % 50 === 0) await input.report(Math.min(90, count / 10), `record ${count}`);
      }
    } catch (err) {
      if (err instanceof IntakeError) throw err;
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new IntakeError('MALFORMED', `the WARC cannot be read: ${(err as Error).message}`.slice(0, 300));
    }
    if (count === 0) throw new IntakeError('MALFORMED', 'the file holds no WARC record');
    return {
      derivatives,
      facts: { records: count, ...(software ? { software } : {}), pages: derivatives.length, list: records },
    };
  },
};
