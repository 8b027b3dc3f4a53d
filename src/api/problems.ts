/**
 * problems.ts — the one place where error codes become RFC 9457 problem details
 * (`application/problem+json`). Each problem code has a stable `type` URI, a status and a title;
 * docs/errors.md mirrors PROBLEMS row by row (problems.test.ts holds them together). Every
 * domain error code maps to exactly one problem in FROM_DOMAIN, which is keyed by the union of
 * all domains' codes: a new code without a row, or a row for a code that does not exist, fails
 * the typecheck. Unknown errors become a plain 500 carrying only the request id: no message,
 * stack, SQL or personal data reaches the client.
 *
 * Adding a domain: import its code union from its index.ts below, add it to DomainErrorCode,
 * and give each code a row in FROM_DOMAIN (tsc lists the missing ones).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessErrorCode } from '../access/index.js';
import type { AnalysisErrorCode } from '../analysis/index.js';
import type { CaseErrorCode } from '../cases/index.js';
import type { CustodyErrorCode } from '../custody/index.js';
import type { IntakeErrorCode } from '../intake/index.js';
import { AttestError } from '../lib/errors.js';
import type { OpsErrorCode } from '../ops/index.js';
import type { SearchErrorCode } from '../search/index.js';
import type { StoreErrorCode } from '../store/errors.js';
import type { VaultErrorCode } from '../vault/index.js';

export const PROBLEM_BASE = 'https://attest.example/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemSpec {
  readonly status: number;
  readonly title: string;
}

/** PROBLEMS maps each stable code (the last segment of `type`) to its status and title. */
export const PROBLEMS = {
  'not-found': { status: 404, title: 'Not found' },
  'invalid-request': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'payload-too-large': { status: 413, title: 'The body is larger than this route accepts' },
  'invalid-ern': { status: 400, title: 'Not an evidence reference number' },
  'invalid-provenance': { status: 422, title: 'Provenance is missing or malformed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'csrf-failed': { status: 403, title: 'Cross-site request refused' },
  'scope-exceeded': { status: 403, title: 'More access than the caller holds' },
  'identity-forbidden': { status: 403, title: "A protected person's identity needs persons:reveal" },
  'invalid-credentials': { status: 401, title: 'Username or password is not right' },
  'wrong-password': { status: 403, title: 'The current password is not right' },
  'weak-password': { status: 422, title: 'The password does not meet the rules' },
  'reserved-username': { status: 422, title: 'The account name is reserved for exercise replays' },
  'invalid-link': { status: 400, title: 'The link is not valid or has expired' },
  'setup-done': { status: 409, title: 'This deployment already has an admin' },
  'last-admin': { status: 409, title: 'The last active admin must stay' },
  'rate-limited': { status: 429, title: 'Too many attempts; wait and retry' },
  conflict: { status: 409, title: 'Conflicts with the current state' },
  'tus-version': { status: 412, title: 'Tus-Resumable: 1.0.0 is required' },
  'upload-locked': { status: 409, title: 'Another request is writing to this upload' },
  'upload-too-many-parts': { status: 413, title: 'Too many PATCH requests for one upload' },
  'upload-quota': { status: 429, title: 'Too many open uploads, or too many bytes declared in them' },
  'final-upload': { status: 403, title: 'A final (concatenated) upload takes no bytes' },
  'range-not-satisfiable': { status: 416, title: 'Range not satisfiable' },
  'precondition-failed': { status: 412, title: 'A precondition (If-Match, If-Unmodified-Since) failed' },
  'invalid-signature': { status: 422, title: 'The signature does not verify for this observation and key' },
  'unknown-device-key': { status: 422, title: 'The device key is not registered to you' },
  'device-key-revoked': { status: 409, title: 'This device key was revoked' },
  'invalid-device-key': { status: 422, title: 'Not a raw Ed25519 public key' },
  'invalid-observation': { status: 422, title: 'The observation is not valid' },
  'negative-count': { status: 422, title: 'A count is negative' },
  'categories-exceed-headcount': { status: 422, title: 'Category counts exceed the headcount' },
  'unknown-vehicle': { status: 422, title: 'The vehicle is not registered to this operation' },
  'point-not-on-route': { status: 422, title: 'The route point is not on the operation route' },
  'kind-does-not-match-point': {
    status: 422,
    title: 'This kind of observation cannot be made at this point',
  },
  'time-in-future': { status: 422, title: 'The device time is ahead of the server clock' },
  'client-id-reused': { status: 409, title: 'A different observation already has this client id' },
  'too-many-streams': { status: 429, title: 'Too many open event streams' },
  'photo-not-in-observation': {
    status: 422,
    title: 'The signed observation names no photo with this SHA-256',
  },
  'photo-hash-mismatch': { status: 422, title: 'The bytes do not have the SHA-256 the observation signed' },
  'invalid-operation': { status: 422, title: 'The operation plan is not consistent' },
  'invalid-mandate': { status: 422, title: 'The mandate is not valid' },
  'invalid-status-change': { status: 409, title: 'The operation cannot change to this status now' },
  'invalid-alert-transition': { status: 409, title: 'The alert cannot change to this state now' },
  'unknown-element': { status: 422, title: 'No such legal element or crime in the checklists' },
  'unknown-jurisdiction': { status: 422, title: 'The jurisdiction is not recorded' },
  'invalid-rfa-transition': {
    status: 409,
    title: 'The request for assistance cannot change to this status now',
  },
  'override-not-allowed': { status: 403, title: 'A consent override needs the legal role and a reason' },
  'invalid-redaction': { status: 422, title: 'The redaction cannot be applied to this item' },
  'redaction-tool-missing': { status: 503, title: 'A tool the redaction needs is not installed' },
  'package-not-ready': { status: 409, title: 'The package is not ready' },
  'output-exists': { status: 409, title: 'The export output already exists' },
  'invalid-query': { status: 400, title: 'The search query is not valid' },
  'query-too-complex': { status: 400, title: 'The search query is too long or too complex' },
  'invalid-cursor': { status: 400, title: 'The cursor does not belong to this query' },
  'unknown-place': { status: 400, title: 'No gazetteer place by this P-code or name' },
  'invalid-saved-search': { status: 422, title: 'The saved search is not valid' },
  'too-many-saved-searches': { status: 409, title: 'You keep the most saved searches allowed' },
  'invalid-record': { status: 422, title: 'The entity, incident, link or claim is not valid' },
  'extraction-refused': { status: 422, title: 'The content is malformed or past an intake limit' },
  'capture-failed': { status: 422, title: 'The page could not be captured' },
  'log-signing-refused': {
    status: 503,
    title: 'The custody log signer refuses to sign: the log does not extend its last checkpoint',
  },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemSpec>;

/** ProblemCode is the union of the stable problem codes (the last segment of `type`). */
export type ProblemCode = keyof typeof PROBLEMS;

/** DomainErrorCode is every code a domain or the store can throw (AttestError subclasses). */
export type DomainErrorCode =
  | StoreErrorCode
  | VaultErrorCode
  | CustodyErrorCode
  | AccessErrorCode
  | OpsErrorCode
  | CaseErrorCode
  | SearchErrorCode
  | IntakeErrorCode
  | AnalysisErrorCode;

/**
 * FROM_DOMAIN maps each domain error code to its problem. Codes shared by several domains
 * (NOT_FOUND, INVALID_INPUT) mean the same thing everywhere and have one row. Codes that only
 * the server's own faults raise (a corrupted blob, a bad log entry, an unreadable key) are
 * `internal`: logged with the request id, never described to the caller.
 */
export const FROM_DOMAIN = {
  // store (src/store/errors.ts)
  BLOB_TOO_LARGE: 'payload-too-large',
  KEY_INVALID: 'internal',
  KEY_MISMATCH: 'internal',
  BLOB_STORE_CONFIG: 'internal',
  BLOB_STORE_UNAVAILABLE: 'internal',
  // Raised only by `attest backup | restore` (CLI), never by a route.
  BACKUP_INVALID: 'internal',
  BACKUP_CORRUPT: 'internal',
  BACKUP_UNSUPPORTED: 'internal',
  // vault (src/vault/errors.ts) and shared codes
  NOT_FOUND: 'not-found',
  INVALID_ERN: 'invalid-ern',
  INVALID_PROVENANCE: 'invalid-provenance',
  INVALID_INPUT: 'invalid-request',
  TOO_LARGE: 'payload-too-large',
  NOT_A_FILE: 'internal',
  UNREADABLE: 'internal',
  FILE_CHANGED: 'internal',
  DIRECTORY_LOOP: 'internal',
  INTEGRITY: 'internal',
  OFFSET_MISMATCH: 'conflict',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  RANGE_NOT_SATISFIABLE: 'range-not-satisfiable',
  TUS_VERSION: 'tus-version',
  UPLOAD_LOCKED: 'upload-locked',
  UPLOAD_PARTS: 'upload-too-many-parts',
  UPLOAD_QUOTA: 'upload-quota',
  FINAL_UPLOAD: 'final-upload',
  PRECONDITION_FAILED: 'precondition-failed',
  STAGING_EXPIRED: 'conflict',
  // custody (src/custody/errors.ts)
  INVALID_ENTRY: 'internal',
  INVALID_PROOF: 'internal',
  INVALID_RANGE: 'invalid-request',
  NO_CHECKPOINT: 'not-found',
  // A signer that cannot prove continuity refuses loudly (issue 18.2); the key's absence is a
  // deployment fault (the server refuses to start before any request).
  CONTINUITY: 'log-signing-refused',
  STATE_INVALID: 'log-signing-refused',
  SIGNER_BUSY: 'log-signing-refused',
  KEY_MISSING: 'internal',
  // Raised only by `attest log publish | verify-bundle` (CLI), never by a route.
  PUBLISHED_DIFFERS: 'internal',
  PUBLISH_FAILED: 'internal',
  INVALID_BUNDLE: 'invalid-request',
  // access (src/access/errors.ts)
  UNAUTHENTICATED: 'unauthenticated',
  CSRF_FAILED: 'csrf-failed',
  INVALID_CREDENTIALS: 'invalid-credentials',
  WRONG_PASSWORD: 'wrong-password',
  LOCKED: 'rate-limited',
  WEAK_PASSWORD: 'weak-password',
  INVALID_USERNAME: 'invalid-request',
  USER_EXISTS: 'conflict',
  RESERVED_USERNAME: 'reserved-username',
  INVALID_LINK: 'invalid-link',
  SETUP_DONE: 'setup-done',
  SCOPE_EXCEEDED: 'scope-exceeded',
  LAST_ADMIN: 'last-admin',
  FORBIDDEN: 'forbidden',
  // ops (src/ops/errors.ts)
  INVALID_MANDATE: 'invalid-mandate',
  INVALID_VOTE: 'invalid-mandate',
  INVALID_OPERATION: 'invalid-operation',
  ID_IN_USE: 'conflict',
  INVALID_STATUS_CHANGE: 'invalid-status-change',
  UNKNOWN_OPERATION: 'not-found',
  COMPARTMENT_FORBIDDEN: 'forbidden',
  NO_SUCH_DEVICE_KEY: 'not-found',
  INVALID_PERIOD: 'invalid-request',
  TOO_MANY_STREAMS: 'too-many-streams',
  INVALID_OBSERVATION: 'invalid-observation',
  NEGATIVE_COUNT: 'negative-count',
  CATEGORY_SUM_EXCEEDS_HEADCOUNT: 'categories-exceed-headcount',
  UNKNOWN_VEHICLE: 'unknown-vehicle',
  POINT_NOT_ON_ROUTE: 'point-not-on-route',
  KIND_DOES_NOT_MATCH_POINT: 'kind-does-not-match-point',
  TIME_IN_FUTURE: 'time-in-future',
  CLIENT_ID_REUSED: 'client-id-reused',
  INVALID_SIGNATURE: 'invalid-signature',
  INVALID_DEVICE_KEY: 'invalid-device-key',
  UNKNOWN_DEVICE_KEY: 'unknown-device-key',
  DEVICE_KEY_REVOKED: 'device-key-revoked',
  INVALID_ALERT_TRANSITION: 'invalid-alert-transition',
  UNKNOWN_ALERT: 'not-found',
  UNKNOWN_OBSERVATION: 'not-found',
  UNKNOWN_CONFLICT: 'not-found',
  INVALID_CONFLICT_CHOICE: 'invalid-request',
  CONFLICT_ALREADY_DECIDED: 'conflict',
  PHOTO_NOT_IN_OBSERVATION: 'photo-not-in-observation',
  PHOTO_HASH_MISMATCH: 'photo-hash-mismatch',
  PHOTO_NOT_IMAGE: 'unsupported-media-type',
  EXERCISE_NOT_EVIDENCE: 'conflict',
  // cases (src/cases/errors.ts)
  CASE_NOT_FOUND: 'not-found',
  INVALID_CASE_INPUT: 'invalid-request',
  UNKNOWN_ELEMENT: 'unknown-element',
  UNKNOWN_JURISDICTION: 'unknown-jurisdiction',
  INVALID_RFA_TRANSITION: 'invalid-rfa-transition',
  OVERRIDE_NOT_ALLOWED: 'override-not-allowed',
  INVALID_REDACTION: 'invalid-redaction',
  REDACTION_TOOL_MISSING: 'redaction-tool-missing',
  PACKAGE_NOT_READY: 'package-not-ready',
  OUTPUT_EXISTS: 'output-exists',
  // search (src/search/errors.ts)
  INVALID_QUERY: 'invalid-query',
  QUERY_TOO_COMPLEX: 'query-too-complex',
  INVALID_CURSOR: 'invalid-cursor',
  UNKNOWN_PLACE: 'unknown-place',
  INVALID_SAVED_SEARCH: 'invalid-saved-search',
  TOO_MANY_SAVED_SEARCHES: 'too-many-saved-searches',
  // analysis (src/analysis/errors.ts)
  INVALID_RECORD: 'invalid-record',
  FORBIDDEN_COMPARTMENT: 'forbidden',
  REVEAL_FORBIDDEN: 'forbidden',
  IDENTITY_FORBIDDEN: 'identity-forbidden',
  // intake (src/intake/errors.ts): mostly a job's failure reason; over HTTP only from a capture
  JOB_NOT_RETRYABLE: 'conflict',
  TOO_MANY_PAGES: 'extraction-refused',
  TOO_MANY_PIXELS: 'extraction-refused',
  TOO_MANY_MEMBERS: 'extraction-refused',
  ZIP_BOMB: 'extraction-refused',
  UNSAFE_PATH: 'extraction-refused',
  ENCRYPTED: 'extraction-refused',
  TOO_DEEP: 'extraction-refused',
  TOO_MANY_PARTS: 'extraction-refused',
  MALFORMED: 'extraction-refused',
  TOOL_MISSING: 'internal',
  TOOL_FAILED: 'internal',
  CRASHED: 'internal',
  CAPTURE_FAILED: 'capture-failed',
  CAPTURE_TOO_LARGE: 'capture-failed',
  TOO_MANY_REDIRECTS: 'capture-failed',
  TIMEOUT: 'capture-failed',
  INVALID_URL: 'invalid-request',
} as const satisfies Record<DomainErrorCode, ProblemCode>;

/** Domain codes whose details are ids and field names only, safe to return to the caller. */
const DETAILS_SAFE: ReadonlySet<DomainErrorCode> = new Set<DomainErrorCode>([
  'INVALID_OBSERVATION',
  'INVALID_SIGNATURE',
  'INVALID_OPERATION',
  'INVALID_STATUS_CHANGE',
  'NEGATIVE_COUNT',
  'CATEGORY_SUM_EXCEEDS_HEADCOUNT',
  'UNKNOWN_VEHICLE',
  'POINT_NOT_ON_ROUTE',
  'KIND_DOES_NOT_MATCH_POINT',
  'TIME_IN_FUTURE',
  'CLIENT_ID_REUSED',
  'INVALID_RECORD',
]);

/**
 * HttpProblem is for the HTTP layer's own refusals (no route, no credentials, a CSRF failure):
 * things no domain decides. Domains throw their own AttestError subclasses instead.
 */
export class HttpProblem extends Error {
  constructor(
    readonly problem: ProblemCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? problem);
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId: string;
  [k: string]: unknown;
}

/** problemFor turns any thrown value into a problem body that is safe to send. */
export function problemFor(err: unknown, requestId: string): ProblemBody {
  const classified = classify(err);
  const { code, extra } = classified;
  const spec: ProblemSpec = PROBLEMS[code];
  // A server fault is not described to the caller, whatever its message says.
  const detail = spec.status >= 500 ? undefined : classified.detail;
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: spec.title,
    status: spec.status,
    ...(detail ? { detail } : {}),
    requestId,
    ...extra,
  };
}

function classify(err: unknown): { code: ProblemCode; detail?: string; extra: Record<string, unknown> } {
  if (err instanceof HttpProblem)
    return { code: err.problem, ...(err.detail ? { detail: err.detail } : {}), extra: err.extra };
  if (err instanceof AttestError) {
    // The typecheck makes the map total; a code it cannot know (a plain string) is a server fault.
    const code: ProblemCode | undefined = Object.hasOwn(FROM_DOMAIN, err.code)
      ? FROM_DOMAIN[err.code as DomainErrorCode]
      : undefined;
    if (code === undefined) return { code: 'internal', extra: {} };
    const extra = DETAILS_SAFE.has(err.code as DomainErrorCode)
      ? { details: err.details }
      : err.code === 'LOCKED'
        ? { retryAfter: err.details.retryAfter }
        : {};
    return { code, detail: err.message, extra };
  }
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'malformed-json', extra: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported-media-type', extra: {} };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'invalid-request', detail: 'the body does not match its Content-Length', extra: {} };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return { code: 'payload-too-large', extra: {} };
    case 'FST_ERR_VALIDATION':
      return { code: 'invalid-request', detail: fe.message, extra: {} };
  }
  if (fe.validation) return { code: 'invalid-request', detail: fe.message, extra: {} };
  if (fe.statusCode === 404) return { code: 'not-found', extra: {} };
  if (fe.statusCode === 413) return { code: 'payload-too-large', extra: {} };
  if (fe.statusCode === 415) return { code: 'unsupported-media-type', extra: {} };
  return { code: 'internal', extra: {} };
}

/**
 * wwwAuthenticate is the challenge every 401 carries (RFC 9110 §11.6.1, §15.5.2): the Bearer scheme
 * of API tokens (RFC 6750 §3), with `error="invalid_token"` when the request presented a token that
 * did not work. Browsers' session cookies have no HTTP authentication scheme; they sign in at
 * POST /api/login, which the same 401 problem body says.
 */
export function wwwAuthenticate(request: FastifyRequest): string {
  const presented = /^Bearer\s/i.test(String(request.headers.authorization ?? ''));
  return presented ? 'Bearer realm="attest", error="invalid_token"' : 'Bearer realm="attest"';
}

/** sendProblem replies with problem+json; 5xx are logged with the request id, never sent. */
export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = problemFor(err, request.id);
  // RFC 9110 §10.2.3: a 429 says when to retry, in the header as well as the body.
  if (typeof body.retryAfter === 'number') reply.header('retry-after', String(body.retryAfter));
  if (body.status >= 500) request.log.error({ err, requestId: request.id }, 'request failed');
  if (body.status === 401) reply.header('www-authenticate', wwwAuthenticate(request));
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
