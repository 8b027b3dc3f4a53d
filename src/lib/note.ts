/**
 * note.ts — C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, following the rules of
 * golang.org/x/mod/sumdb/note v0.7.0 `Open` and `Sign`. Proven by test/vectors/checkpoint.json
 * (note.test.ts): key hash, key strings, signatures byte for byte, and every note case with
 * x/mod's error text. Ed25519 is node:crypto's (RFC 8032, deterministic); no curve code here.
 *
 *   note      = text "\n" signature-line{1,100}        text ends in "\n"; split at the LAST "\n\n"
 *   signature = "— " name " " base64(keyhash[4] || sig[64]) "\n"      "—" is U+2014 EM DASH
 *   keyhash   = SHA-256(name || "\n" || 0x01 || pubkey)[0:4], big-endian    0x01 = Ed25519
 *   verifier  = name "+" hex8(keyhash) "+" base64(0x01 || pubkey)
 *   signer    = "PRIVATE+KEY+" name "+" hex8(keyhash) "+" base64(0x01 || seed)
 *
 * Deliberately stricter than x/mod, so each value has one accepted form: base64 must be
 * canonical (x/mod accepts non-zero trailing bits) and key hashes must be lowercase hex.
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { AttestError } from './errors.js';
import { sha256 } from './hash.js';

/** ALG_ED25519 is the signed-note algorithm byte for Ed25519 keys. */
export const ALG_ED25519 = 0x01;
/** SIGNATURE_PREFIX starts every signature line: U+2014 EM DASH and a space. */
export const SIGNATURE_PREFIX = '\u2014 ';
/** MAX_SIGNATURES bounds the signature lines of a note, as x/mod does. */
export const MAX_SIGNATURES = 100;
/** MAX_NOTE_BYTES bounds a note before any parsing; checkpoints are a few hundred bytes. */
export const MAX_NOTE_BYTES = 1 << 20;
const MAX_KEY_CHARS = 4096;
const KEY_HASH_SIZE = 4;
const SEED_SIZE = 32;
const PUBLIC_KEY_SIZE = 32;
const SIGNATURE_SIZE = 64;
// DER wrappers that turn raw Ed25519 key bytes into node:crypto key objects (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type NoteErrorCode =
  | 'MALFORMED_NOTE'
  | 'INVALID_SIGNATURE'
  | 'NO_VERIFIABLE_SIGNATURES'
  | 'AMBIGUOUS_KEY'
  | 'MALFORMED_KEY';

/**
 * NoteError is thrown for notes and keys that fail. Messages are x/mod's: every malformation of
 * a note is one "malformed note"; a known key whose signature fails is "invalid signature for
 * key <name>+<hash>"; a well-formed note with no signature by a known key is "note has no
 * verifiable signatures" and carries the parsed `note`, as x/mod's UnverifiedNoteError does.
 */
export class NoteError extends AttestError<NoteErrorCode> {
  /** note is the parsed, unverified note (NO_VERIFIABLE_SIGNATURES only). */
  readonly note: Note | undefined;

  constructor(code: NoteErrorCode, message: string, extra: { key?: string; note?: Note } = {}) {
    super(code, message, extra.key === undefined ? {} : { key: extra.key });
    this.note = extra.note;
  }
}

/** Verifier checks signatures by one public key, identified by name and key hash. */
export interface Verifier {
  readonly name: string;
  readonly keyHash: number;
  /** The verifier key string, `name+hash+base64(0x01||pub)`. */
  readonly verifierKey: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Signer signs with one private key; the key itself stays inside `sign`. */
export interface Signer {
  readonly name: string;
  readonly keyHash: number;
  /** The matching verifier key string. */
  readonly verifierKey: string;
  sign(message: Uint8Array): Buffer;
}

/** Signature is one signature line of a note, verified or not. */
export interface Signature {
  readonly name: string;
  readonly keyHash: number;
  readonly base64: string;
}

/** Note is an opened note: its text and its verified and unverified signatures. */
export interface Note {
  readonly text: string;
  readonly sigs: readonly Signature[];
  readonly unverifiedSigs: readonly Signature[];
}

// ---------------------------------------------------------------------------------------------
// Names, key hashes, base64

// Go's unicode.IsSpace: ASCII white space, U+0085, and the Unicode separators (Zs, Zl, Zp).
const GO_SPACE = /[\t\n\v\f\r \u0085\p{Z}]/u;
const LONE_SURROGATE = /\p{Surrogate}/u;
// x/mod Open: no ASCII control characters other than newline.
const NOTE_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const HEX8 = /^[0-9a-f]{8}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** isValidKeyName tells whether `name` is non-empty, well-formed, and has no spaces or '+'. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !GO_SPACE.test(name) && !LONE_SURROGATE.test(name);
}

/** keyHash returns the 32-bit key id: SHA-256(name || "\n" || 0x01 || publicKey)[0:4]. */
export function keyHash(name: string, publicKey: Uint8Array): number {
  return encodedKeyHash(name, Buffer.concat([Buffer.of(ALG_ED25519), publicKey]));
}

/** encodedKeyHash hashes the encoded key (algorithm byte included), as x/mod's keyHash does. */
function encodedKeyHash(name: string, encodedKey: Uint8Array): number {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), encodedKey).readUInt32BE(0);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * decodeBase64 decodes standard padded base64 and returns undefined unless `s` is the one
 * canonical encoding of its bytes (node's own decoder silently skips bad characters).
 */
export function decodeBase64(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}

/** splitKey cuts `s` at its first `parts - 1` '+' signs; base64 may itself hold '+'. */
function splitKey(s: string, parts: number): string[] {
  const out: string[] = [];
  let rest = s;
  for (let k = 1; k < parts; k++) {
    const at = rest.indexOf('+');
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keys

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyOf(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return Buffer.from(spki.subarray(SPKI_PREFIX.length));
}

/** verifierKeyString formats the verifier key `name+hex8(keyhash)+base64(0x01||publicKey)`. */
export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name) || publicKey.length !== PUBLIC_KEY_SIZE) {
    throw new NoteError('MALFORMED_KEY', 'invalid key name or public key');
  }
  const encoded = Buffer.concat([Buffer.of(ALG_ED25519), publicKey]);
  return `${name}+${hex8(encodedKeyHash(name, encoded))}+${encoded.toString('base64')}`;
}

/** signerKeyString formats the signer key `PRIVATE+KEY+name+hex8(keyhash)+base64(0x01||seed)`. */
export function signerKeyString(name: string, seed: Uint8Array): string {
  if (!isValidKeyName(name) || seed.length !== SEED_SIZE) {
    throw new NoteError('MALFORMED_KEY', 'invalid key name or seed');
  }
  const hash = keyHash(name, publicKeyOf(privateKeyFromSeed(seed)));
  const encoded = Buffer.concat([Buffer.of(ALG_ED25519), seed]);
  return `PRIVATE+KEY+${name}+${hex8(hash)}+${encoded.toString('base64')}`;
}

/** generateSignerKey returns a new random signer key string for `name`; keep it secret. */
export function generateSignerKey(name: string): string {
  return signerKeyString(name, randomBytes(SEED_SIZE));
}

/** parseKeyParts checks the fields shared by both key strings (x/mod NewVerifier/NewSigner). */
function parseKeyParts(
  name: string,
  hash16: string,
  key64: string,
): { hash: number; key: Buffer } | undefined {
  const key = decodeBase64(key64);
  if (!HEX8.test(hash16) || !key || key.length === 0 || !isValidKeyName(name)) return undefined;
  return { hash: Number.parseInt(hash16, 16), key };
}

/**
 * parseVerifierKey parses a verifier key string `name+hash+base64(0x01||pub)`. The string is
 * untrusted: it is bounded, must be canonical, and its key hash must match its key. Errors are
 * MALFORMED_KEY with x/mod's wording.
 */
export function parseVerifierKey(vkey: string): Verifier {
  const malformed = () => new NoteError('MALFORMED_KEY', 'malformed verifier id');
  if (typeof vkey !== 'string' || vkey.length > MAX_KEY_CHARS) throw malformed();
  const [name = '', hash16 = '', key64 = ''] = splitKey(vkey, 3);
  const parts = parseKeyParts(name, hash16, key64);
  if (!parts) throw malformed();
  if (parts.hash !== encodedKeyHash(name, parts.key)) {
    throw new NoteError('MALFORMED_KEY', 'invalid verifier hash');
  }
  if (parts.key[0] !== ALG_ED25519) throw new NoteError('MALFORMED_KEY', 'unknown verifier algorithm');
  if (parts.key.length !== 1 + PUBLIC_KEY_SIZE) throw malformed();
  const publicKey = parts.key.subarray(1);
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    throw malformed();
  }
  return Object.freeze({
    name,
    keyHash: parts.hash,
    verifierKey: vkey,
    publicKey: Buffer.from(publicKey),
    verify: (message: Uint8Array, signature: Uint8Array) =>
      signature.length === SIGNATURE_SIZE && verify(null, message, keyObject, signature),
  });
}

/**
 * parseSignerKey parses a signer key string `PRIVATE+KEY+name+hash+base64(0x01||seed)` and
 * checks the key hash against the public key derived from the seed. Messages never quote the key.
 */
export function parseSignerKey(skey: string): Signer {
  const malformed = () => new NoteError('MALFORMED_KEY', 'malformed signer key');
  if (typeof skey !== 'string' || skey.length > MAX_KEY_CHARS) throw malformed();
  const [priv1, priv2, name = '', hash16 = '', key64 = ''] = splitKey(skey, 5);
  const parts = parseKeyParts(name, hash16, key64);
  if (priv1 !== 'PRIVATE' || priv2 !== 'KEY' || !parts) throw malformed();
  if (parts.key[0] !== ALG_ED25519) throw new NoteError('MALFORMED_KEY', 'unknown signer algorithm');
  if (parts.key.length !== 1 + SEED_SIZE) throw malformed();
  const privateKey = privateKeyFromSeed(parts.key.subarray(1));
  const publicKey = publicKeyOf(privateKey);
  if (parts.hash !== keyHash(name, publicKey))
    throw new NoteError('MALFORMED_KEY', 'invalid signer key hash');
  return Object.freeze({
    name,
    keyHash: parts.hash,
    verifierKey: verifierKeyString(name, publicKey),
    sign: (message: Uint8Array) => sign(null, message, privateKey),
  });
}

// ---------------------------------------------------------------------------------------------
// Signing and opening notes

/** isNoteText tells whether `s` is well-formed text with no control character but "\n". */
export function isNoteText(s: string): boolean {
  return !NOTE_CONTROL.test(s) && !LONE_SURROGATE.test(s);
}

/** signatureLine returns "— name base64(keyhash || signature)\n" for `signer` over `body`. */
function signatureLine(signer: Signer, body: Uint8Array): string {
  if (!isValidKeyName(signer.name)) throw new NoteError('MALFORMED_KEY', 'invalid signer');
  const raw = Buffer.alloc(KEY_HASH_SIZE);
  raw.writeUInt32BE(signer.keyHash);
  const b64 = Buffer.concat([raw, signer.sign(body)]).toString('base64');
  return `${SIGNATURE_PREFIX}${signer.name} ${b64}\n`;
}

/**
 * signNote returns `text` signed by each signer: the text, a blank line, one signature line per
 * signer. The signatures cover exactly the text's UTF-8 bytes, which must end in "\n".
 */
export function signNote(text: string, ...signers: Signer[]): string {
  if (!text.endsWith('\n') || !isNoteText(text) || signers.length === 0) {
    throw new NoteError('MALFORMED_NOTE', 'malformed note');
  }
  const body = Buffer.from(text, 'utf8');
  return `${text}\n${signers.map((s) => signatureLine(s, body)).join('')}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** decodeNote returns the note as a string, or undefined when too large or not valid UTF-8. */
function decodeNote(msg: string | Uint8Array): string | undefined {
  if (typeof msg === 'string') {
    if (msg.length > MAX_NOTE_BYTES || Buffer.byteLength(msg, 'utf8') > MAX_NOTE_BYTES) return undefined;
    return msg;
  }
  if (!(msg instanceof Uint8Array) || msg.length > MAX_NOTE_BYTES) return undefined;
  try {
    return strictUtf8.decode(msg);
  } catch {
    return undefined;
  }
}

/** parseSignatureLine parses "— name base64" (no newline) or returns undefined. */
function parseSignatureLine(line: string): (Signature & { signature: Buffer }) | undefined {
  if (!line.startsWith(SIGNATURE_PREFIX)) return undefined;
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return undefined;
  const name = rest.slice(0, space);
  const base64 = rest.slice(space + 1);
  const raw = decodeBase64(base64);
  if (!isValidKeyName(name) || base64 === '' || !raw || raw.length <= KEY_HASH_SIZE) return undefined;
  return { name, keyHash: raw.readUInt32BE(0), base64, signature: raw.subarray(KEY_HASH_SIZE) };
}

/**
 * openNote parses `msg` and checks its signatures against `verifiers`, as x/mod's note.Open:
 * - the message must be valid UTF-8 with no control character but "\n" (else MALFORMED_NOTE);
 * - the text ends at the LAST "\n\n"; 1–100 signature lines follow, each "— name base64\n";
 * - a signature by an unknown (name, key hash) is kept in `unverifiedSigs`, not checked;
 * - a signature by a known key that does not verify is INVALID_SIGNATURE, even when another
 *   signature is good; repeats of a key's signature are ignored;
 * - two verifiers with the same name and key hash are AMBIGUOUS_KEY (a tampered verifier list);
 * - without one verified signature it is NO_VERIFIABLE_SIGNATURES, carrying the parsed note.
 * `msg` is attacker-controlled: it is bounded to MAX_NOTE_BYTES before anything else.
 */
export function openNote(msg: string | Uint8Array, verifiers: readonly Verifier[]): Note {
  const malformed = () => new NoteError('MALFORMED_NOTE', 'malformed note');
  const decoded = decodeNote(msg);
  if (decoded === undefined || !isNoteText(decoded)) throw malformed();
  const split = decoded.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const text = decoded.slice(0, split + 1);
  const block = decoded.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed();

  const body = Buffer.from(text, 'utf8');
  const sigs: Signature[] = [];
  const unverifiedSigs: Signature[] = [];
  const seenKeys = new Set<string>();
  const seenUnknownLines = new Set<string>();
  const lines = block.slice(0, -1).split('\n');
  for (let k = 0; k < lines.length; k++) {
    const parsed = parseSignatureLine(lines[k]!);
    if (!parsed) throw malformed();
    // Bounded after each line is parsed, as in x/mod, so the error order matches.
    if (k >= MAX_SIGNATURES) throw malformed();
    const { signature, ...sig } = parsed;
    const id = `${sig.name}+${hex8(sig.keyHash)}`;
    const known = verifiers.filter((v) => v.name === sig.name && v.keyHash === sig.keyHash);
    if (known.length > 1) throw new NoteError('AMBIGUOUS_KEY', `ambiguous key ${id}`, { key: id });
    if (known.length === 0) {
      if (!seenUnknownLines.has(lines[k]!)) unverifiedSigs.push(sig);
      seenUnknownLines.add(lines[k]!);
      continue;
    }
    if (seenKeys.has(id)) continue;
    seenKeys.add(id);
    if (!known[0]!.verify(body, signature)) {
      throw new NoteError('INVALID_SIGNATURE', `invalid signature for key ${id}`, { key: id });
    }
    sigs.push(sig);
  }
  const note: Note = Object.freeze({ text, sigs, unverifiedSigs });
  if (sigs.length === 0) {
    throw new NoteError('NO_VERIFIABLE_SIGNATURES', 'note has no verifiable signatures', { note });
  }
  return note;
}

/**
 * normaliseSavedNote undoes what browsers, editors and mail do to a note saved as a file, before
 * it is opened: a leading UTF-8 byte-order mark, CRLF (or lone CR) line ends, and a missing or
 * extra final newline. A note is "\n"-terminated text with no blank line at its end (C2SP
 * signed-note), so these changes are the only ones undone; anything else still fails in openNote.
 * The input is bounded first (it is attacker-controlled).
 */
export function normaliseSavedNote(saved: string): string {
  if (saved.length > MAX_NOTE_BYTES * 2) return saved;
  const text = saved.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return `${text.replace(/\n+$/, '')}\n`;
}
