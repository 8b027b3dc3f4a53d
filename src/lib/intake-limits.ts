/**
 * intake-limits.ts — the bounds every intake extractor (src/intake) works within (DESIGN.md rule 6). Each is configuration
 * (`ATTEST_INTAKE_*`, read once by loadConfig) with a default that is safe for a small server;
 * input past a limit fails its job with a stable reason, and the original stays as it was.
 */

export interface IntakeLimits {
  /** Text and HTML decoded at most this many bytes (ATTEST_INTAKE_MAX_TEXT_BYTES, 64 MiB). */
  readonly maxTextBytes: number;
  /** PDFs with more pages are refused (ATTEST_INTAKE_MAX_PDF_PAGES, 5,000). */
  readonly maxPdfPages: number;
  /** Images declaring more pixels are refused before decoding (ATTEST_INTAKE_MAX_IMAGE_PIXELS, 100 M). */
  readonly maxImagePixels: number;
  /** Archive members (ATTEST_INTAKE_MAX_ARCHIVE_MEMBERS, 10,000). */
  readonly maxArchiveMembers: number;
  /** Total uncompressed bytes of one archive (ATTEST_INTAKE_MAX_ARCHIVE_BYTES, 2 GiB). */
  readonly maxArchiveBytes: number;
  /** Largest uncompressed ÷ compressed size of a member (ATTEST_INTAKE_MAX_COMPRESSION_RATIO, 200). */
  readonly maxCompressionRatio: number;
  /** Archives inside archives, and attachments inside e-mails (ATTEST_INTAKE_MAX_DEPTH, 3). */
  readonly maxDepth: number;
  /** MIME parts of one e-mail (ATTEST_INTAKE_MAX_MIME_PARTS, 500). */
  readonly maxMimeParts: number;
  /** MIME nesting depth of one e-mail (ATTEST_INTAKE_MAX_MIME_DEPTH, 20). */
  readonly maxMimeDepth: number;
  /** Seconds between video keyframes (ATTEST_INTAKE_KEYFRAME_SECONDS, 10). */
  readonly keyframeSeconds: number;
  /** Keyframes per video (ATTEST_INTAKE_MAX_KEYFRAMES, 360). */
  readonly maxKeyframes: number;
  /** Web capture: redirects followed (ATTEST_CAPTURE_MAX_REDIRECTS, 10). */
  readonly captureMaxRedirects: number;
  /** Web capture: response body bytes (ATTEST_CAPTURE_MAX_BYTES, 50 MiB). */
  readonly captureMaxBytes: number;
  /** Web capture: whole fetch, in milliseconds (ATTEST_CAPTURE_TIMEOUT_MS, 30 s). */
  readonly captureTimeoutMs: number;
  /** One external tool run (tesseract, ffmpeg) in milliseconds (ATTEST_INTAKE_TOOL_TIMEOUT_MS, 5 min). */
  readonly toolTimeoutMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = Object.freeze({
  maxTextBytes: 64 * MiB,
  maxPdfPages: 5000,
  maxImagePixels: 100_000_000,
  maxArchiveMembers: 10_000,
  maxArchiveBytes: 2048 * MiB,
  maxCompressionRatio: 200,
  maxDepth: 3,
  maxMimeParts: 500,
  maxMimeDepth: 20,
  keyframeSeconds: 10,
  maxKeyframes: 360,
  captureMaxRedirects: 10,
  captureMaxBytes: 50 * MiB,
  captureTimeoutMs: 30_000,
  toolTimeoutMs: 5 * 60_000,
});

const ENV: Readonly<Record<keyof IntakeLimits, string>> = {
  maxTextBytes: 'ATTEST_INTAKE_MAX_TEXT_BYTES',
  maxPdfPages: 'ATTEST_INTAKE_MAX_PDF_PAGES',
  maxImagePixels: 'ATTEST_INTAKE_MAX_IMAGE_PIXELS',
  maxArchiveMembers: 'ATTEST_INTAKE_MAX_ARCHIVE_MEMBERS',
  maxArchiveBytes: 'ATTEST_INTAKE_MAX_ARCHIVE_BYTES',
  maxCompressionRatio: 'ATTEST_INTAKE_MAX_COMPRESSION_RATIO',
  maxDepth: 'ATTEST_INTAKE_MAX_DEPTH',
  maxMimeParts: 'ATTEST_INTAKE_MAX_MIME_PARTS',
  maxMimeDepth: 'ATTEST_INTAKE_MAX_MIME_DEPTH',
  keyframeSeconds: 'ATTEST_INTAKE_KEYFRAME_SECONDS',
  maxKeyframes: 'ATTEST_INTAKE_MAX_KEYFRAMES',
  captureMaxRedirects: 'ATTEST_CAPTURE_MAX_REDIRECTS',
  captureMaxBytes: 'ATTEST_CAPTURE_MAX_BYTES',
  captureTimeoutMs: 'ATTEST_CAPTURE_TIMEOUT_MS',
  toolTimeoutMs: 'ATTEST_INTAKE_TOOL_TIMEOUT_MS',
};

/** readIntakeLimits reads the ATTEST_INTAKE_* variables over the defaults. */
export function readIntakeLimits(env: NodeJS.ProcessEnv): IntakeLimits {
  const out: Record<string, number> = { ...DEFAULT_INTAKE_LIMITS };
  for (const [key, name] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < 0)
      throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
    out[key] = n;
  }
  return Object.freeze(out as unknown as IntakeLimits);
}
