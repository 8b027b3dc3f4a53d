/**
 * tus-upload.ts — one resumable upload to the server's tus 1.0 endpoint (/api/uploads,
 * src/vault/upload-routes.ts) with tus-js-client: chunked PATCHes, retries with back-off when
 * the connection drops, and the upload's URL remembered on this device (localStorage, keyed by
 * the file's fingerprint) so that choosing the same file again after a reload or a crash resumes
 * from the server's offset instead of starting over. The last response names the item it became
 * (`Attest-Item-Ern`).
 */
import * as tus from 'tus-js-client';
import { csrfHeader } from '../api/client.js';

/** CHUNK_SIZE bounds one PATCH: a dropped connection loses at most this much. */
export const CHUNK_SIZE = 2 * 1024 * 1024;
/** Back-off between retries after a network failure (then the row waits for the user or `online`). */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];

export interface UploadCallbacks {
  onProgress(sent: number, total: number): void;
  onRetrying(): void;
  onDone(ern: string | null): void;
  onError(message: string, status: number | null): void;
}

export interface UploadHandle {
  /** stop pauses the upload; the bytes sent stay on the server. */
  stop(): Promise<void>;
  /** resume continues from the server's offset. */
  resume(): void;
}

/** startUpload sends `file` with the item's provenance as tus metadata. */
export function startUpload(file: File, metadata: Record<string, string>, cb: UploadCallbacks): UploadHandle {
  let ern: string | null = null;
  const upload = new tus.Upload(file, {
    endpoint: '/api/uploads',
    chunkSize: CHUNK_SIZE,
    retryDelays: RETRY_DELAYS,
    metadata,
    headers: csrfHeader(),
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => cb.onProgress(sent, total),
    onShouldRetry: (err, attempt) => {
      const status = err.originalResponse?.getStatus() ?? 0;
      // Refusals (400 bad provenance, 403, 413 too large) are final; network failures and 5xx are not.
      const retry = status === 0 || status === 409 || status === 423 || status >= 500;
      if (retry && attempt < RETRY_DELAYS.length) cb.onRetrying();
      return retry;
    },
    onAfterResponse: (_req, res) => {
      ern = res.getHeader('Attest-Item-Ern') ?? ern;
    },
    onSuccess: () => cb.onDone(ern),
    onError: (err) => {
      const res = (err as tus.DetailedError).originalResponse;
      let message = err.message;
      if (res) {
        try {
          const problem = JSON.parse(res.getBody()) as { detail?: string; title?: string };
          message = problem.detail ?? problem.title ?? message;
        } catch {
          // Not a problem document: keep tus-js-client's message.
        }
      }
      cb.onError(message, res ? res.getStatus() : null);
    },
  });
  const begin = async () => {
    // A file this device started before (same name, size, type and date) resumes where it stopped.
    const previous = await upload.findPreviousUploads();
    if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  };
  void begin();
  return {
    stop: () => upload.abort(),
    resume: () => upload.start(),
  };
}
