/**
 * config.ts — the deployment's settings, read once from the environment (and CLI flags) and
 * frozen. Every knob is documented in the README's Configuration table.
 */
import { join, resolve } from 'node:path';
import { type IntakeLimits, readIntakeLimits } from './lib/intake-limits.js';
import { readWitnessSettings, type WitnessSettings } from './lib/witness-config.js';

export interface Config {
  /** Directory holding the SQLite file, blobs and keys (ATTEST_DATA, default ./data). */
  readonly dataDir: string;
  /**
   * Directory of the custody log's signing key and signer state (ATTEST_KEYS_DIR, default
   * `<dataDir>/keys`). Every process of a deployment on one PostgreSQL must use the same one
   * (a shared mount or the same host's directory): one log, one key, one signer's memory.
   */
  readonly keysDir: string;
  /** PostgreSQL connection string for the scale tier (DATABASE_URL); SQLite when absent. */
  readonly databaseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Largest evidence item accepted, in bytes (ATTEST_MAX_ITEM_BYTES, default 4 GiB). */
  readonly maxItemBytes: number;
  /**
   * Per user: resumable uploads open at once (ATTEST_UPLOAD_MAX_OPEN, default 20) and the bytes
   * they declare in all (ATTEST_UPLOAD_MAX_OPEN_BYTES, default 16 GiB). Each open upload reserves
   * its declared length in the shared store for a day; without a bound one account could
   * reserve the disk (src/vault/upload-quota.ts).
   */
  readonly uploadQuota: { readonly maxOpen: number; readonly maxOpenBytes: number };
  /** Origin line of the custody log's checkpoints (ATTEST_LOG_ORIGIN). */
  readonly logOrigin: string;
  /** A checkpoint is signed after this many new entries (ATTEST_CHECKPOINT_EVERY). */
  readonly checkpointEvery: number;
  /** …or after this many seconds with new entries (ATTEST_CHECKPOINT_SECONDS). */
  readonly checkpointSeconds: number;
  /** Job workers `attest serve` runs in-process (ATTEST_WORKERS, default 1; 0 = none, for the scale tier). */
  readonly workers: number;
  /** Bounds of intake extraction (ATTEST_INTAKE_*, ATTEST_CAPTURE_*; src/lib/intake-limits.ts). */
  readonly intake: IntakeLimits;
  /**
   * Web captures may reach loopback, private and reserved addresses (ATTEST_CAPTURE_ALLOW_PRIVATE=1;
   * default off, so a capture request cannot probe the server's own network).
   */
  readonly captureAllowPrivate: boolean;
  /**
   * Where people and clients reach this deployment (ATTEST_PUBLIC_URL, e.g.
   * https://attest.example.org behind a proxy): every link the server or the CLI prints, and the
   * OpenAPI document's server, start with it. Undefined: derived from host and port (publicBase).
   */
  readonly publicUrl: string | undefined;
  /**
   * Where blobs live (ATTEST_BLOBS): undefined for files under `<dataDir>/blobs`, a path or
   * `file:///…` for files elsewhere, `s3://bucket/prefix` for an S3-compatible object store.
   */
  readonly blobs: string | undefined;
  /** How to reach the object store when `blobs` is an s3:// URL (ATTEST_S3_*, AWS_*). */
  readonly s3: S3Settings;
  /**
   * Independent witnesses that cosign the log's checkpoints (ATTEST_WITNESSES, C2SP tlog-witness)
   * and how many must (ATTEST_WITNESS_QUORUM, default all of them); src/lib/witness-config.ts.
   */
  readonly witnesses: WitnessSettings;
}

/** S3Settings: the endpoint and identity of an S3-compatible object store. */
export interface S3Settings {
  /** ATTEST_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3), e.g. http://minio:9000; AWS S3 when absent. */
  readonly endpoint: string | undefined;
  /** ATTEST_S3_REGION (or AWS_REGION), default us-east-1 (what MinIO and Ceph expect). */
  readonly region: string;
  /** ATTEST_S3_PATH_STYLE=1: `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, Ceph). */
  readonly forcePathStyle: boolean;
  /**
   * The access key, from ATTEST_S3_ACCESS_KEY_ID + ATTEST_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID
   * + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]); undefined leaves it to the AWS SDK's default
   * chain (profiles, instance roles). A function, so that printing the configuration never
   * prints the secret.
   */
  readonly credentials:
    | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>)
    | undefined;
}

/** s3SettingsFrom reads the object store's endpoint, region and key from the environment. */
function s3SettingsFrom(env: NodeJS.ProcessEnv): S3Settings {
  const endpoint = env.ATTEST_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || undefined;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error(`ATTEST_S3_ENDPOINT must be an absolute http(s) URL, got "${endpoint}"`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
      throw new Error('ATTEST_S3_ENDPOINT must be an http(s) URL without credentials in it');
  }
  const id = env.ATTEST_S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID;
  const secret = env.ATTEST_S3_ACCESS_KEY_ID ? env.ATTEST_S3_SECRET_ACCESS_KEY : env.AWS_SECRET_ACCESS_KEY;
  if (id && !secret) throw new Error('an S3 access key id is set without its secret access key');
  const token = env.ATTEST_S3_ACCESS_KEY_ID ? undefined : env.AWS_SESSION_TOKEN || undefined;
  const key =
    id && secret
      ? { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) }
      : undefined;
  return Object.freeze({
    endpoint,
    region: env.ATTEST_S3_REGION || env.AWS_REGION || 'us-east-1',
    forcePathStyle: flag('ATTEST_S3_PATH_STYLE', env.ATTEST_S3_PATH_STYLE),
    credentials: key ? async () => ({ ...key }) : undefined,
  });
}

/** publicUrlFrom checks ATTEST_PUBLIC_URL: an absolute http(s) URL, no credentials, query or fragment. */
function publicUrlFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ATTEST_PUBLIC_URL must be an absolute URL, got "${raw}"`);
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  )
    throw new Error('ATTEST_PUBLIC_URL must be an http(s) URL without credentials, query or fragment');
  return url.href.replace(/\/+$/, '');
}

/**
 * publicBase is the URL printed links start with: ATTEST_PUBLIC_URL, else the address the server
 * listens at (`listening`, when known), else one made from host and port (a wildcard host shown
 * as localhost).
 */
export function publicBase(config: Config, listening?: string): string {
  if (config.publicUrl) return config.publicUrl;
  if (listening) return listening;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

const GiB = 1024 ** 3;

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

/** loadConfig reads the environment; explicit overrides (CLI flags) win. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(overrides.dataDir ?? env.ATTEST_DATA ?? './data');
  const config: Config = {
    dataDir,
    keysDir: resolve(overrides.keysDir ?? (env.ATTEST_KEYS_DIR || join(dataDir, 'keys'))),
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.ATTEST_HOST ?? '127.0.0.1',
    port: positiveInt('ATTEST_PORT', env.ATTEST_PORT, 8080),
    publicUrl: publicUrlFrom(env.ATTEST_PUBLIC_URL),
    maxItemBytes: positiveInt('ATTEST_MAX_ITEM_BYTES', env.ATTEST_MAX_ITEM_BYTES, 4 * GiB),
    uploadQuota: {
      maxOpen: positiveInt('ATTEST_UPLOAD_MAX_OPEN', env.ATTEST_UPLOAD_MAX_OPEN, 20),
      maxOpenBytes: positiveInt('ATTEST_UPLOAD_MAX_OPEN_BYTES', env.ATTEST_UPLOAD_MAX_OPEN_BYTES, 16 * GiB),
    },
    logOrigin: env.ATTEST_LOG_ORIGIN ?? 'attest.local/custody-log',
    checkpointEvery: positiveInt('ATTEST_CHECKPOINT_EVERY', env.ATTEST_CHECKPOINT_EVERY, 1000),
    checkpointSeconds: positiveInt('ATTEST_CHECKPOINT_SECONDS', env.ATTEST_CHECKPOINT_SECONDS, 60),
    workers: env.ATTEST_WORKERS === '0' ? 0 : positiveInt('ATTEST_WORKERS', env.ATTEST_WORKERS, 1),
    intake: readIntakeLimits(env),
    captureAllowPrivate: flag('ATTEST_CAPTURE_ALLOW_PRIVATE', env.ATTEST_CAPTURE_ALLOW_PRIVATE),
    blobs: env.ATTEST_BLOBS || undefined,
    s3: s3SettingsFrom(env),
    witnesses: readWitnessSettings(env),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  return Object.freeze(config);
}
