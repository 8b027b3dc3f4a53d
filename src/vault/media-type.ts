/**
 * media-type.ts — the media type of evidence is sniffed from its bytes, never trusted from its
 * file name: a renamed executable stays application/octet-stream. Formats without magic bytes
 * are classed as UTF-8 text when the head decodes cleanly and holds no NUL.
 */
import { fileTypeFromBuffer } from 'file-type';

/**
 * A WARC file (ISO 28500:2017 §4; WARC 1.0 and 1.1) starts with its first record's version line,
 * `WARC/1.0` or `WARC/1.1` and CRLF. The signature library does not know it, and its headers are
 * plain ASCII, so without this check a web capture was classed as text and never listed as one.
 */
const WARC_VERSION_LINE = /^WARC\/1\.[01]\r?\n/;

/** sniffMediaType returns the media type of content whose first bytes are `head`. */
export async function sniffMediaType(head: Uint8Array): Promise<string> {
  if (head.length === 0) return 'application/x-empty';
  if (WARC_VERSION_LINE.test(Buffer.from(head.subarray(0, 12)).toString('latin1'))) return 'application/warc';
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.mime;
  return looksLikeUtf8Text(head) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

function looksLikeUtf8Text(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  // The head may end inside a multi-byte character; trim up to 3 trailing bytes of it.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

/** kindOf maps a media type to the item kind used for filtering and intake. */
export function kindOf(mediaType: string): string {
  const [top, sub = ''] = mediaType.split(';')[0]!.split('/');
  if (top === 'image' || top === 'video' || top === 'audio') return top;
  if (top === 'text') return 'text';
  if (/zip|tar|gzip|x-7z|x-rar|bzip2|x-xz|zstd/.test(sub)) return 'archive';
  if (/pdf|msword|officedocument|opendocument|rtf|epub/.test(sub)) return 'document';
  if (sub === 'warc') return 'web-capture';
  return 'other';
}

/** File-name extensions of the media types evidence usually has (IANA registrations). */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/x-msvideo': 'avi',
  'video/mpeg': 'mpg',
  'video/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/x-tar': 'tar',
  'application/x-7z-compressed': '7z',
  'application/x-rar-compressed': 'rar',
  'application/vnd.rar': 'rar',
  'application/warc': 'warc',
  'application/json': 'json',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/rtf': 'rtf',
  'application/epub+zip': 'epub',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/markdown': 'md',
  'message/rfc822': 'eml',
};

/** extensionFor returns the file-name extension for `mediaType` (parameters ignored); `bin` if unknown. */
export function extensionFor(mediaType: string): string {
  return EXTENSIONS[mediaType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}
