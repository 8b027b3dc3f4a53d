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

/**
 * UploadFailure is why an upload stopped for good: the server's status and problem code (RFC 9457
 * `type`, its last segment) when it refused, or status null when the connection stayed down
 * through every retry. `detail` is the server's own sentence (English), shown beside ours.
 */
export interface UploadFailure {
  readonly status: number | null;
  readonly code: string | null;
  readonly detail: string | null;
}

export interface UploadCallbacks {
  onProgress(sent: number, total: number): void;
  onRetrying(): void;
  onDone(ern: string | null): void;
  onError(failure: UploadFailure): void;
}

export interface UploadHandle {
  /**
   * stop pauses the upload; the bytes sent stay on the server. With `terminate`, the server's
   * upload is deleted too (tus termination), freeing what it reserved of the user's quota.
   */
  stop(terminate?: boolean): Promise<void>;
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
      const status = res ? res.getStatus() : 0;
      if (!res || status === 0) return cb.onError({ status: null, code: null, detail: null });
      let code: string | null = null;
      let detail: string | null = null;
      try {
        // The body is the server's problem document (attacker-free, but still only read as data).
        const problem = JSON.parse(res.getBody()) as { type?: unknown; detail?: unknown; title?: unknown };
        if (typeof problem.type === 'string') code = problem.type.slice(problem.type.lastIndexOf('/') + 1);
        const text = problem.detail ?? problem.title;
        if (typeof text === 'string') detail = text.slice(0, 500);
      } catch {
        // Not a problem document (a proxy's page): the status says enough.
      }
      cb.onError({ status, code, detail });
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
    stop: (terminate = false) => upload.abort(terminate),
    resume: () => upload.start(),
  };
}
