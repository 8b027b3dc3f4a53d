/**
 * media-type.ts — the media type of evidence is sniffed from its bytes, never trusted from its
 * file name: a renamed executable stays application/octet-stream. Formats without magic bytes
 * are classed as UTF-8 text when the head decodes cleanly and holds no NUL.
 */
import { fileTypeFromBuffer } from 'file-type';

/** sniffMediaType returns the media type of content whose first bytes are `head`. */
export async function sniffMediaType(head: Uint8Array): Promise<string> {
  if (head.length === 0) return 'application/x-empty';
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
