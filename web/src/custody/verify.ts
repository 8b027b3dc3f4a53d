/**
 * verify.ts — custody-log verification in the browser, with nothing trusted from the server but
 * the bytes it sends: an entry's leaf hash recomputed from its canonical JSON (src/custody/entry.ts),
 * the RFC 9162 §2.1.3.2 inclusion proof checked up to a root, and that root read from a C2SP
 * tlog-checkpoint (https://c2sp.org/tlog-checkpoint) whose C2SP signed-note Ed25519 signature
 * (https://c2sp.org/signed-note) is checked against the log's verifier key. SHA-256 and Ed25519
 * are WebCrypto's; where a browser has no Ed25519 in WebCrypto, @noble/ed25519 (audited, no
 * dependencies) is loaded instead. The same vectors as the server's (test/vectors/checkpoint.json)
 * prove it in test/web/custody-verify.test.ts. Every input is attacker-controlled: anything
 * malformed is a VerifyError with a code, never an uncaught exception or a silent pass.
 */
import { type CanonicalValue, canonicalJson } from '../../../src/lib/canonical-json.js';

export type VerifyErrorCode =
  | 'MALFORMED_KEY'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_CHECKPOINT'
  | 'NO_SIGNATURE_BY_KEY'
  | 'INVALID_SIGNATURE'
  | 'MALFORMED_ENTRY';

/** VerifyError is one failed check; `code` says which. */
export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  constructor(code: VerifyErrorCode, message: string) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
  }
}

/** LEAF_PREFIX and NODE_PREFIX separate leaves from nodes — RFC 6962 §2.1. */
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
/** ALG_ED25519 is the signed-note algorithm byte of an Ed25519 key. */
const ALG_ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_NOTE_CHARS = 64 * 1024;
const MAX_PROOF = 2 * 53;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX8 = /^[0-9a-f]{8}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIZE_TEXT = /^(?:0|[1-9][0-9]{0,15})$/;
const utf8 = new TextEncoder();

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new VerifyError('MALFORMED_ENTRY', 'not lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** base64ToBytes decodes canonical standard base64 (zero trailing bits) or returns undefined. */
export function base64ToBytes(s: string): Uint8Array | undefined {
  if (!BASE64.test(s)) return undefined;
  const bin = atob(s);
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  // One encoding per value: re-encode and compare (non-zero trailing bits are refused).
  return btoa(bin) === s ? out : undefined;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** LogEntry is an entry as `GET /api/log/entries/{seq}` returns it to a reader of its subject. */
export interface LogEntry {
  readonly seq: number;
  readonly at?: string;
  readonly kind?: string;
  readonly actor?: string;
  readonly salt?: string;
  readonly itemId?: string;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
  readonly redacted?: boolean;
  readonly leafHash: string;
}

/**
 * entryLeafHash recomputes an entry's leaf hash: SHA-256(0x00 || canonical JSON) — RFC 6962
 * §2.1, over the payload src/custody/entry.ts writes (version 2 with a salt, else version 1).
 */
export async function entryLeafHash(e: LogEntry): Promise<string> {
  if (e.redacted || e.at === undefined || e.kind === undefined || e.actor === undefined)
    throw new VerifyError('MALFORMED_ENTRY', 'the entry content is not shown to this reader');
  const body: Record<string, CanonicalValue> = {
    ...(e.data ?? {}),
    v: e.salt === undefined ? 1 : 2,
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
  };
  if (e.salt !== undefined) body.salt = e.salt;
  if (e.itemId !== undefined) body.item = e.itemId;
  let text: string;
  try {
    text = canonicalJson(body);
  } catch {
    throw new VerifyError('MALFORMED_ENTRY', 'the entry cannot be encoded canonically');
  }
  return bytesToHex(await sha256(concat(Uint8Array.of(LEAF_PREFIX), utf8.encode(text))));
}

/** nodeHash is SHA-256(0x01 || left || right) — RFC 6962 §2.1. */
function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(NODE_PREFIX), left, right));
}

/**
 * verifyInclusion tells whether `proof` (hex hashes) shows that leaf hash `leaf` is entry `index`
 * of the tree of `size` entries with root `root` — RFC 9162 §2.1.3.2, step by step.
 */
export async function verifyInclusion(
  leaf: string,
  index: number,
  size: number,
  proof: readonly string[],
  root: Uint8Array,
): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!HEX64.test(leaf) || root.length !== 32) return false;
  if (!Array.isArray(proof) || proof.length > MAX_PROOF || !proof.every((p) => HEX64.test(p))) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = hexToBytes(leaf);
  for (const hex of proof) {
    const p = hexToBytes(hex);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** VerifierKey is a parsed C2SP verifier key `name+hex8(keyhash)+base64(0x01 || pubkey)`. */
export interface VerifierKey {
  readonly name: string;
  readonly keyHash: number;
  readonly publicKey: Uint8Array<ArrayBuffer>;
  readonly text: string;
}

/** keyHashOf is SHA-256(name || "\n" || 0x01 || pubkey)[0:4], big-endian — C2SP signed-note. */
async function keyHashOf(name: string, encodedKey: Uint8Array): Promise<number> {
  const h = await sha256(concat(utf8.encode(`${name}\n`), encodedKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

const validName = (n: string) => n !== '' && !n.includes('+') && !/[\s\u0000-\u001f]/.test(n);

/** parseVerifierKey parses and checks a verifier key (its hash must match its name and key). */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const bad = () => new VerifyError('MALFORMED_KEY', 'malformed verifier key');
  if (typeof text !== 'string' || text.length > 4096) throw bad();
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw bad();
  const name = text.slice(0, a);
  const hash = text.slice(a + 1, b);
  const key = base64ToBytes(text.slice(b + 1));
  if (!validName(name) || !HEX8.test(hash) || !key || key.length !== 33 || key[0] !== ALG_ED25519)
    throw bad();
  const keyHash = Number.parseInt(hash, 16);
  if ((await keyHashOf(name, key)) !== keyHash)
    throw new VerifyError('MALFORMED_KEY', 'invalid verifier hash');
  return { name, keyHash, publicKey: key.slice(1), text };
}

/** How the Ed25519 signature was checked. */
export type Ed25519Engine = 'webcrypto' | '@noble/ed25519';

/** ed25519Verify checks an RFC 8032 signature with WebCrypto, or @noble/ed25519 where it is missing. */
export async function ed25519Verify(
  publicKey: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
): Promise<{ ok: boolean; engine: Ed25519Engine }> {
  let key: Awaited<ReturnType<typeof crypto.subtle.importKey>> | undefined;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    key = undefined;
  }
  if (key) return { ok: await crypto.subtle.verify('Ed25519', key, signature, message), engine: 'webcrypto' };
  const noble = await import('@noble/ed25519');
  let ok = false;
  try {
    ok = await noble.verifyAsync(signature, message, publicKey);
  } catch {
    ok = false;
  }
  return { ok, engine: '@noble/ed25519' };
}

/** Checkpoint is what a signed checkpoint states, with how its signature was checked. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly engine: Ed25519Engine;
}

/**
 * openCheckpoint parses a signed note, checks the signature by `key` (C2SP signed-note: the text
 * ends at the last "\n\n"; lines "— name base64(keyhash[4] || sig[64])") and reads the checkpoint
 * body "origin\nsize\nbase64(root)\n[extensions\n]" strictly.
 */
export async function openCheckpoint(note: string, key: VerifierKey): Promise<Checkpoint> {
  const malformed = () => new VerifyError('MALFORMED_NOTE', 'malformed note');
  if (
    typeof note !== 'string' ||
    note.length > MAX_NOTE_CHARS ||
    /[\u0000-\u0009\u000b-\u001f\u007f]/.test(note)
  )
    throw malformed();
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw malformed();
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length === 0 || lines.length > 100) throw malformed();
  let verified: Ed25519Engine | undefined;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed();
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) throw malformed();
    const raw = base64ToBytes(rest.slice(space + 1));
    if (!raw || raw.length <= 4 || !validName(rest.slice(0, space))) throw malformed();
    const hash = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    if (rest.slice(0, space) !== key.name || hash !== key.keyHash) continue;
    const sig = raw.slice(4);
    const r = sig.length === 64 ? await ed25519Verify(key.publicKey, sig, concat(utf8.encode(text))) : null;
    if (!r?.ok) throw new VerifyError('INVALID_SIGNATURE', `invalid signature for key ${key.name}`);
    verified = r.engine;
  }
  if (!verified) throw new VerifyError('NO_SIGNATURE_BY_KEY', `no signature by ${key.name}`);
  const body = text.split('\n');
  const [origin = '', sizeText = '', rootText = ''] = body;
  const root = base64ToBytes(rootText);
  if (
    origin === '' ||
    !SIZE_TEXT.test(sizeText) ||
    !root ||
    root.length !== 32 ||
    body.slice(3, -1).includes('')
  )
    throw new VerifyError('MALFORMED_CHECKPOINT', 'malformed checkpoint');
  return { origin, size: Number(sizeText), root, engine: verified };
}
