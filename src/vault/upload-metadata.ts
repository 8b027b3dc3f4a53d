/**
 * upload-metadata.ts — the tus 1.0 request headers that carry structure
 * (https://tus.io/protocols/resumable-upload): Upload-Metadata (§Upload-Metadata) and
 * Upload-Concat (§concatenation). Both are attacker-controlled: bounded in size and count,
 * strictly parsed, and refused whole when any part is malformed.
 */
import { decodeBase64 } from '../lib/note.js';
import { VaultError } from './errors.js';

const MAX_METADATA_PAIRS = 16;
const MAX_METADATA_VALUE = 4096;
const METADATA_KEY = /^[A-Za-z0-9_-]{1,32}$/;
/** UPLOAD_ID is the form of an upload id (16 random bytes in hex). */
export const UPLOAD_ID = '[0-9a-f]{32}';
/** MAX_PARTS is the most partial uploads one final upload may join (tus-js-client uses a handful). */
export const MAX_PARTS = 64;

/**
 * parseUploadMetadata reads the Upload-Metadata header: comma-separated `key base64value`
 * pairs, the value optional. Keys are restricted, values strict base64 of UTF-8.
 */
export function parseUploadMetadata(header: string | string[] | undefined): Record<string, string> {
  // A null-prototype record: keys such as __proto__ are data, never properties of Object.
  const out: Record<string, string> = Object.create(null);
  if (header === undefined || (typeof header === 'string' && header.trim() === '')) return out;
  if (typeof header !== 'string') throw new VaultError('INVALID_INPUT', 'one Upload-Metadata header');
  const pairs = header.split(',');
  if (pairs.length > MAX_METADATA_PAIRS)
    throw new VaultError('INVALID_INPUT', 'too many Upload-Metadata pairs');
  for (const pair of pairs) {
    const [key, value = '', extra] = pair.trim().split(' ');
    if (!key || !METADATA_KEY.test(key) || extra !== undefined || Object.hasOwn(out, key)) {
      throw new VaultError('INVALID_INPUT', 'malformed Upload-Metadata');
    }
    const bytes = decodeBase64(value);
    if (!bytes || bytes.length > MAX_METADATA_VALUE)
      throw new VaultError('INVALID_INPUT', `Upload-Metadata ${key} is not base64`);
    try {
      out[key] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new VaultError('INVALID_INPUT', `Upload-Metadata ${key} is not UTF-8`);
    }
  }
  return { ...out };
}

/** formatUploadMetadata is the inverse of parseUploadMetadata (for HEAD responses). */
export function formatUploadMetadata(metadata: Readonly<Record<string, string>>): string {
  return Object.entries(metadata)
    .map(([k, v]) => (v === '' ? k : `${k} ${Buffer.from(v, 'utf8').toString('base64')}`))
    .join(',');
}

export type UploadConcat = 'partial' | { readonly final: readonly string[] };

/**
 * parseUploadConcat reads Upload-Concat: `partial`, or `final;` followed by space-separated
 * upload URLs (absolute, or paths). Every URL must name an upload of this API by id; whose
 * upload it is, is checked when the parts are read.
 */
export function parseUploadConcat(header: string | string[] | undefined): UploadConcat | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || header.length > 300 * MAX_PARTS)
    throw new VaultError('INVALID_INPUT', 'malformed Upload-Concat');
  if (header === 'partial') return 'partial';
  if (!header.startsWith('final;'))
    throw new VaultError('INVALID_INPUT', 'Upload-Concat is partial or final;…');
  const urls = header.slice('final;'.length).trim().split(/ +/).filter(Boolean);
  if (urls.length === 0 || urls.length > MAX_PARTS)
    throw new VaultError('INVALID_INPUT', `a final upload joins 1 to ${MAX_PARTS} partial uploads`);
  const final = urls.map((u) => {
    let path: string;
    try {
      path = new URL(u, 'http://upload.invalid').pathname;
    } catch {
      throw new VaultError('INVALID_INPUT', 'malformed Upload-Concat URL');
    }
    const m = new RegExp(`^/api/uploads/(${UPLOAD_ID})$`).exec(path);
    if (!m) throw new VaultError('INVALID_INPUT', 'Upload-Concat names something that is not an upload');
    return m[1]!;
  });
  if (new Set(final).size !== final.length)
    throw new VaultError('INVALID_INPUT', 'a partial upload is named twice');
  return { final };
}
