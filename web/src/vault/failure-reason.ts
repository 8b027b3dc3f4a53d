/** failure-reason.ts — why an upload stopped for good, as the key of its sentence (i18n/{en,ar}-upload.ts). */
import type { UploadFailure } from './tus-upload.js';
/**
 * failureReason names why an upload stopped, in words the person can act on (upload.failure.*):
 * the connection stayed down, the file is too large, the user's open uploads are over quota, the
 * type is refused, the provenance is refused, the account may not add here, or the server failed.
 */
export function failureReason(f: UploadFailure): string {
  if (f.status === null) return 'connection';
  if (f.code === 'payload-too-large' || f.status === 413) return 'tooLarge';
  if (f.code === 'upload-quota' || f.status === 429) return 'quota';
  if (f.code === 'unsupported-media-type' || f.status === 415) return 'type';
  if (f.code === 'invalid-provenance') return 'provenance';
  if (f.status === 401) return 'signedOut';
  if (f.status === 403 || f.status === 404) return 'forbidden';
  if (f.status >= 500) return 'server';
  return 'refused';
}
