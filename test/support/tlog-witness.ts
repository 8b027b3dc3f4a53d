/**
 * tlog-witness.ts — a witness for tests, written from the specs and sharing no code with the
 * client it tests (src/custody/witness): C2SP tlog-witness §add-checkpoint over HTTP on loopback,
 * C2SP signed-note to check the log's signature, RFC 9162 §2.1.4.2 to verify consistency proofs,
 * and C2SP tlog-cosignature v1 (Ed25519) to cosign. It keeps, per origin, the latest checkpoint
 * it cosigned (size and root), checks and updates it atomically (one synchronous step), and
 * answers 400 / 403 / 404 / 409 (+ text/x.tlog.size) / 422 / 200 as the spec says.
 *
 * `misbehave` turns it hostile for client tests: a huge reply, garbage, a forged or foreign
 * cosignature, a reply that never comes.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Misbehaviour = 'huge' | 'garbage' | 'forged' | 'foreign' | 'silent' | 'future' | undefined;

export interface TestWitness {
  readonly name: string;
  /** The witness's verifier key, name+keyid+base64(0x04||pub). */
  readonly vkey: string;
  /** The submission prefix (http://127.0.0.1:port/w). */
  readonly url: string;
  /** What it holds per origin. */
  readonly state: Map<string, { size: number; root: Buffer }>;
  /** Every request's status, in order. */
  readonly statuses: number[];
  misbehave: Misbehaviour;
  /** Trust a log (origin → its Ed25519 verifier key), e.g. once the log's key exists. */
  trust(origin: string, logVkey: string): void;
  /** Stop listening (an offline witness); its state stays. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
}

const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const MAX_BODY = 64 * 1024;

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function keyPair(seed: Buffer) {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(
    createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(SPKI.length),
  );
  return { priv, pub };
}

/** A signed-note verifier key: name+hex8(SHA-256(name\n||type||pub)[:4])+base64(type||pub). */
function vkeyOf(name: string, type: number, pub: Buffer) {
  const id = sha256(Buffer.from(`${name}\n`), Buffer.of(type), pub).subarray(0, 4);
  return {
    id,
    vkey: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.of(type), pub]).toString('base64')}`,
  };
}

/** Parses the log's Ed25519 signed-note verifier key (type 0x01). */
function logVerifier(vkey: string) {
  const [name, idHex, b64] = [vkey.split('+')[0]!, vkey.split('+')[1]!, vkey.split('+').slice(2).join('+')];
  const raw = Buffer.from(b64, 'base64');
  if (raw[0] !== 0x01 || raw.length !== 33) throw new Error('test witness: not an Ed25519 log key');
  const key = createPublicKey({ key: Buffer.concat([SPKI, raw.subarray(1)]), format: 'der', type: 'spki' });
  return { name, id: Buffer.from(idHex, 'hex'), key };
}

// RFC 6962 §2.1: node hash.
const node = (l: Buffer, r: Buffer) => sha256(Buffer.of(1), l, r);

/** RFC 9162 §2.1.4.2: verify a consistency proof between (first, firstHash) and (second, secondHash). */
function verifyConsistency(
  first: number,
  second: number,
  firstHash: Buffer,
  secondHash: Buffer,
  proof: Buffer[],
): boolean {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(first)) ? [firstHash, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

interface Parsed {
  old: number;
  proof: Buffer[];
  note: string;
}

/** Parses an add-checkpoint body (tlog-witness §add-checkpoint); undefined when malformed. */
function parseRequest(body: string): Parsed | undefined {
  const lines = body.split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const proof: Buffer[] = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const h = Buffer.from(lines[i]!, 'base64');
    if (h.length !== 32 || h.toString('base64') !== lines[i]) return undefined;
    proof.push(h);
  }
  if (i >= lines.length || proof.length > 63) return undefined;
  return { old: Number(m[1]), proof, note: lines.slice(i + 1).join('\n') };
}

export interface WitnessOptions {
  readonly name?: string;
  /** The logs it witnesses: origin → the log's Ed25519 verifier key. */
  readonly logs?: Record<string, string>;
  /** POSIX seconds to put in cosignatures. */
  readonly clock: () => number;
}

/** startTestWitness listens on 127.0.0.1 (a free port) and returns the running witness. */
export async function startTestWitness(options: WitnessOptions): Promise<TestWitness> {
  const name = options.name ?? `witness.test/w-${randomBytes(3).toString('hex')}`;
  const { priv, pub } = keyPair(randomBytes(32));
  const { id, vkey } = vkeyOf(name, 0x04, pub);
  const other = keyPair(randomBytes(32));
  const state = new Map<string, { size: number; root: Buffer }>();
  const statuses: number[] = [];
  const logs = new Map(Object.entries(options.logs ?? {}).map(([o, k]) => [o, logVerifier(k)]));

  // tlog-cosignature v1: "cosignature/v1\ntime <t>\n" || body, line = keyid || u64 t || sig.
  const cosign = (body: string, t: number, key = priv) => {
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(t));
    const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), key);
    return `\u2014 ${name} ${Buffer.concat([id, ts, sig]).toString('base64')}\n`;
  };

  const handle = (body: string): { status: number; type?: string; body: string } => {
    const req = parseRequest(body);
    if (!req) return { status: 400, body: 'malformed request\n' };
    const split = req.note.lastIndexOf('\n\n');
    if (split < 0) return { status: 400, body: 'malformed checkpoint\n' };
    const text = req.note.slice(0, split + 1);
    const [origin = '', sizeText = '', rootText = ''] = text.split('\n');
    const log = logs.get(origin);
    if (!log) return { status: 404, body: 'unknown log\n' };
    // signed-note: ignore signatures from unknown keys; at least one by the log's key must verify.
    const sigLines = req.note
      .slice(split + 2)
      .split('\n')
      .filter((l) => l !== '');
    const signed = sigLines.some((l) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(l);
      if (!m || m[1] !== log.name) return false;
      const raw = Buffer.from(m[2]!, 'base64');
      return raw.subarray(0, 4).equals(log.id) && verify(null, Buffer.from(text), log.key, raw.subarray(4));
    });
    if (!signed) return { status: 403, body: 'no signature by a trusted key\n' };
    const size = Number(sizeText);
    const root = Buffer.from(rootText, 'base64');
    if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || root.length !== 32)
      return { status: 400, body: 'bad checkpoint\n' };
    if (req.old > size) return { status: 400, body: 'old size larger than checkpoint\n' };
    const held = state.get(origin) ?? { size: 0, root: Buffer.alloc(0) };
    if (req.old !== held.size) return { status: 409, type: 'text/x.tlog.size', body: `${held.size}\n` };
    if (req.old === 0 && req.proof.length > 0) return { status: 400, body: 'proof must be empty from 0\n' };
    if (req.old === size && held.size > 0 && !held.root.equals(root))
      return { status: 409, type: 'text/x.tlog.size', body: `${held.size}\n` };
    if (held.size > 0 && !verifyConsistency(held.size, size, held.root, root, req.proof))
      return { status: 422, body: 'consistency proof does not verify\n' };
    state.set(origin, { size, root });
    const t = options.clock();
    switch (witness.misbehave) {
      case 'forged': {
        // Right name and key id, signature by another key.
        return { status: 200, body: cosign(text, t, other.priv) };
      }
      case 'foreign': {
        const f = vkeyOf(name, 0x04, other.pub);
        const ts = Buffer.alloc(8);
        ts.writeBigUInt64BE(BigInt(t));
        const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${text}`), other.priv);
        return { status: 200, body: `\u2014 ${name} ${Buffer.concat([f.id, ts, sig]).toString('base64')}\n` };
      }
      case 'future':
        return { status: 200, body: cosign(text, t + 86_400) };
      default:
        return { status: 200, body: cosign(text, t) };
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/w/add-checkpoint') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const mode = witness.misbehave;
      if (mode === 'silent') return; // never answers
      if (mode === 'huge') {
        statuses.push(200);
        res.writeHead(200, { 'content-type': 'text/plain' });
        const line = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const pump = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += line.length;
            if (!res.write(line)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        return pump();
      }
      if (mode === 'garbage') {
        statuses.push(200);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('\u0000\uFFFDnot a signature\n\n— \n');
        return;
      }
      const r =
        total > MAX_BODY
          ? { status: 400, body: 'too large\n' }
          : handle(Buffer.concat(chunks).toString('utf8'));
      statuses.push(r.status);
      res.writeHead(r.status, { 'content-type': r.type ?? 'text/plain; charset=utf-8' }).end(r.body);
    });
  };

  let server: Server = createServer(onRequest);
  const sockets = new Set<import('node:net').Socket>();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer(onRequest);
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const witness: TestWitness = {
    name,
    vkey,
    url: `http://127.0.0.1:${port}/w`,
    state,
    statuses,
    misbehave: undefined,
    trust(origin, logVkey) {
      logs.set(origin, logVerifier(logVkey));
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      await listen(port);
    },
  };
  return witness;
}
