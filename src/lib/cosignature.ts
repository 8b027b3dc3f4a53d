/**
 * cosignature.ts — C2SP tlog-cosignature v1.0.0, the Ed25519 type (https://c2sp.org/tlog-cosignature):
 * a witness's statement that, as of a time, the checkpoint is the largest consistent tree head it
 * has seen for the log. A cosignature is a C2SP signed-note signature line (note.ts) on the
 * checkpoint, so a cosigned checkpoint is the log's note with more signature lines.
 *
 *   key id     = SHA-256(name || "\n" || 0x04 || pubkey)[:4]                  (§Format)
 *   vkey       = name "+" hex8(key id) "+" base64(0x04 || pubkey)              (§Format: vkeys, type 0x04)
 *   line       = "— " name " " base64(key id || timestamp || signature) "\n"  (signed-note)
 *   timestamp  = u64 big-endian POSIX seconds, at most 2^63 - 1               (§Format, RFC 8446 §3.3)
 *   message    = "cosignature/v1\n" "time " decimal(timestamp) "\n" || body    (§Ed25519 signed message)
 *
 * where body is the checkpoint's note text (origin, size, root, extension lines; final newline
 * included, signature lines excluded). Proven by cosignature.test.ts against an independently
 * written signer (test/support/tlog-witness.ts) and by every tamper of each field.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { sha256 } from './hash.js';
import {
  decodeBase64,
  isValidKeyName,
  NoteError,
  openNote,
  SIGNATURE_PREFIX,
  type Verifier,
} from './note.js';

/** ALG_COSIGNATURE_V1 is the signed-note key type byte of Ed25519 cosignature/v1 keys. */
export const ALG_COSIGNATURE_V1 = 0x04;
/** COSIGNATURE_HEADER is the domain-separation line that starts every signed message. */
export const COSIGNATURE_HEADER = 'cosignature/v1\n';
/** MAX_TIMESTAMP is 2^63 - 1, the largest timestamp a cosignature may carry. */
export const MAX_TIMESTAMP = (1n << 63n) - 1n;
const PUBLIC_KEY_SIZE = 32;
const SIGNATURE_SIZE = 64;
const TIMESTAMP_SIZE = 8;
const MAX_KEY_CHARS = 4096;
const HEX8 = /^[0-9a-f]{8}$/;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** CosignerVerifier checks cosignature/v1 lines by one witness key; a note.ts Verifier. */
export interface CosignerVerifier extends Verifier {
  /** timestampOf returns the timestamp of a signature's bytes (after the key id), in seconds. */
  timestampOf(signature: Uint8Array): number;
}

/** cosignerKeyId returns SHA-256(name || "\n" || 0x04 || publicKey)[:4] as a number. */
export function cosignerKeyId(name: string, publicKey: Uint8Array): number {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.of(ALG_COSIGNATURE_V1), publicKey).readUInt32BE(0);
}

/**
 * cosignedMessage returns the bytes a cosignature/v1 signs: the header line, the time line, and
 * the checkpoint body. The timestamp is decimal with no leading zeroes.
 */
export function cosignedMessage(body: string, timestamp: number | bigint): Buffer {
  const t = BigInt(timestamp);
  if (t < 0n || t > MAX_TIMESTAMP)
    throw new NoteError('MALFORMED_NOTE', 'cosignature timestamp out of range');
  return Buffer.from(`${COSIGNATURE_HEADER}time ${t.toString()}\n${body}`, 'utf8');
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** cosignerVkey formats the verifier key of a cosigner: name+hex8(key id)+base64(0x04||pub). */
export function cosignerVkey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name) || publicKey.length !== PUBLIC_KEY_SIZE) {
    throw new NoteError('MALFORMED_KEY', 'invalid cosigner name or public key');
  }
  const encoded = Buffer.concat([Buffer.of(ALG_COSIGNATURE_V1), publicKey]);
  return `${name}+${hex8(cosignerKeyId(name, publicKey))}+${encoded.toString('base64')}`;
}

/**
 * parseCosignerKey parses a witness's verifier key (type 0x04). The string is untrusted (it comes
 * from configuration or a command line): bounded, canonical base64, lowercase key id that must
 * match the key. An Ed25519 signed-note key (type 0x01) is refused by name, a common mix-up.
 */
export function parseCosignerKey(vkey: string): CosignerVerifier {
  const malformed = (why: string) => new NoteError('MALFORMED_KEY', `malformed witness key: ${why}`);
  if (typeof vkey !== 'string' || vkey.length > MAX_KEY_CHARS) throw malformed('too long');
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw malformed('expected name+keyid+base64');
  const name = vkey.slice(0, first);
  const id16 = vkey.slice(first + 1, second);
  const key = decodeBase64(vkey.slice(second + 1));
  if (!isValidKeyName(name)) throw malformed('invalid name');
  if (!HEX8.test(id16)) throw malformed('the key id must be 8 lowercase hex digits');
  if (!key || key.length !== 1 + PUBLIC_KEY_SIZE) throw malformed('the key must be base64 of 33 bytes');
  if (key[0] === 0x01)
    throw malformed('this is an Ed25519 log key (type 0x01), not a cosignature/v1 key (type 0x04)');
  if (key[0] !== ALG_COSIGNATURE_V1) throw malformed(`unsupported key type 0x${hex8(key[0]!).slice(6)}`);
  const publicKey = Buffer.from(key.subarray(1));
  const keyId = cosignerKeyId(name, publicKey);
  if (keyId !== Number.parseInt(id16, 16)) throw malformed('the key id does not match the key');
  let keyObject: ReturnType<typeof createPublicKey>;
  try {
    keyObject = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    throw malformed('not an Ed25519 public key');
  }
  const timestampOf = (signature: Uint8Array) =>
    Number(Buffer.from(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).readBigUInt64BE(0));
  return Object.freeze({
    name,
    keyHash: keyId,
    verifierKey: vkey,
    publicKey,
    timestampOf,
    // note.ts hands over the line's bytes after the key id: timestamp || Ed25519 signature.
    verify(body: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== TIMESTAMP_SIZE + SIGNATURE_SIZE) return false;
      const t = Buffer.from(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).readBigUInt64BE(0);
      if (t > MAX_TIMESTAMP) return false;
      const message = cosignedMessage(Buffer.from(body).toString('utf8'), t);
      return verify(null, message, keyObject, signature.subarray(TIMESTAMP_SIZE));
    },
  });
}

/** Cosigner signs cosignature/v1 lines; what a witness holds (tests, and `attest` tooling). */
export interface Cosigner {
  readonly name: string;
  readonly vkey: string;
  /** cosign returns the signature line over checkpoint `body` at POSIX time `timestamp`. */
  cosign(body: string, timestamp: number): string;
}

/** cosignerFromSeed makes a cosigner named `name` from a 32-byte Ed25519 seed (random if absent). */
export function cosignerFromSeed(name: string, seed: Uint8Array = randomBytes(32)): Cosigner {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(SPKI_PREFIX.length));
  const vkey = cosignerVkey(name, publicKey);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(cosignerKeyId(name, publicKey));
  return Object.freeze({
    name,
    vkey,
    cosign(body: string, timestamp: number) {
      const t = Buffer.alloc(TIMESTAMP_SIZE);
      t.writeBigUInt64BE(BigInt(timestamp));
      const sig = sign(null, cosignedMessage(body, timestamp), privateKey);
      return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([id, t, sig]).toString('base64')}\n`;
    },
  });
}

/** Cosigned is one verified cosignature: whose, when, and its signature line. */
export interface Cosigned {
  readonly name: string;
  readonly vkey: string;
  /** POSIX seconds the witness put in the cosignature. */
  readonly timestamp: number;
  /** The signature line, "— name base64\n". */
  readonly line: string;
}

/** CosignatureCheck is what a note's cosignatures say for a list of witnesses. */
export interface CosignatureCheck {
  readonly cosigned: readonly Cosigned[];
  /** Witnesses with a line under their name and key id that does not verify (forged or altered). */
  readonly invalid: readonly string[];
}

/**
 * checkCosignatures opens `note` (a checkpoint with signature lines) against `witnesses` and says
 * which cosigned it. Lines by other keys — the log's own signature, unknown witnesses — are
 * ignored (tlog-witness: "The client MUST ignore any cosignatures from unknown keys"). A line
 * under a witness's key id that fails is reported in `invalid`, never counted. The note is
 * bounded and parsed by note.ts (MALFORMED_NOTE for anything that is not a signed note).
 */
export function checkCosignatures(note: string, witnesses: readonly CosignerVerifier[]): CosignatureCheck {
  const cosigned: Cosigned[] = [];
  const invalid: string[] = [];
  let remaining = [...witnesses];
  // openNote stops at the first invalid line; take that witness out and open again, so one bad
  // line cannot hide another witness's good one.
  for (let round = 0; round <= witnesses.length; round++) {
    try {
      const opened = openNote(note, remaining);
      for (const sig of opened.sigs) {
        const w = remaining.find((v) => v.name === sig.name && v.keyHash === sig.keyHash)!;
        const raw = Buffer.from(sig.base64, 'base64');
        cosigned.push({
          name: w.name,
          vkey: w.verifierKey,
          timestamp: w.timestampOf(raw.subarray(4)),
          line: `${SIGNATURE_PREFIX}${sig.name} ${sig.base64}\n`,
        });
      }
      break;
    } catch (err) {
      if (!(err instanceof NoteError)) throw err;
      if (err.code === 'NO_VERIFIABLE_SIGNATURES') break;
      if (err.code !== 'INVALID_SIGNATURE') throw err;
      const id = String(err.details?.key ?? '');
      const bad = remaining.find((v) => `${v.name}+${hex8(v.keyHash)}` === id);
      if (!bad) throw err;
      invalid.push(bad.name);
      remaining = remaining.filter((v) => v !== bad);
      if (remaining.length === 0) break;
    }
  }
  return { cosigned, invalid };
}
