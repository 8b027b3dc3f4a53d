/**
 * verify.ts — verifyPackage checks an Attest package offline, with no database: the bag
 * (RFC 8493 §3: manifests, Payload-Oxum, tag manifest; here also "no file outside both
 * manifests"), every custody entry's leaf hash (RFC 6962 §2.1), every inclusion proof (RFC 9162
 * §2.1.3.2) to the signed checkpoint (C2SP tlog-checkpoint over signed-note), the checkpoint's
 * signature against the package's key and a pinned key, each item's bytes against its ingest and
 * export entries, and optionally consistency to a newer checkpoint (RFC 9162 §2.1.4.2).
 *
 * It is built on Attest's audited src/lib (merkle, note, checkpoint); the verify.mjs shipped in
 * every package is an independent implementation of the same checks, with the same names.
 * Every byte of the package is untrusted: bounded reads, paths kept inside the bag, failures
 * reported by name and never thrown.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Checkpoint, openCheckpoint } from '../../lib/checkpoint.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../lib/merkle.js';
import { parseVerifierKey, type Verifier } from '../../lib/note.js';
import { FilePool, IN_FLIGHT } from '../../store/file-pool.js';
import { type BagFormatError, MANIFEST, parseBagInfo, parseManifest, TAG_MANIFEST } from './bagit.js';
import { CHECKPOINT, ENTRIES, PACKAGE_INFO, type PackageInfo, PROOFS, VERIFIER_KEY } from './layout.js';

export type CheckName =
  | 'missing-file'
  | 'not-a-file'
  | 'too-large'
  | 'bag-declaration'
  | 'manifest-format'
  | 'unlisted-file'
  | 'payload-hash'
  | 'tag-hash'
  | 'payload-oxum'
  | 'verifier-key'
  | 'checkpoint-signature'
  | 'pinned-key'
  | 'entry-format'
  | 'leaf-hash'
  | 'tag-format'
  | 'inclusion-proof'
  | 'item-hash'
  | 'item-entries'
  | 'item-not-in-log'
  | 'export-entry'
  | 'consistency';

export interface Finding {
  readonly check: CheckName | string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly failures: Finding[];
  readonly warnings: Finding[];
  readonly passed: Finding[];
}

export interface VerifyOptions {
  /** A verifier key the user trusts (obtained independently of the package). */
  readonly key?: string;
  /** A newer checkpoint: a signed note, or the JSON bundle of `attest log proofs --json`. */
  readonly checkpoint?: string;
  readonly onProgress?: (bytes: number) => void;
}

const MAX_TEXT = 512 * 1024 * 1024;
/** The log checks hand the event loop back this often, so the file workers keep being fed. */
const YIELD_EVERY = 500;
const yieldToWorkers = () => new Promise<void>((resolve) => setImmediate(resolve));
const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * HashCache turns proof elements (untrusted: any JSON) into 32-byte buffers, checking and
 * decoding each distinct hex string once: the proofs of thousands of entries share their upper
 * nodes, so most elements repeat.
 */
class HashCache {
  readonly #seen = new Map<string, Buffer | null>();

  one(h: unknown): Buffer | null {
    if (typeof h !== 'string') return null;
    let b = this.#seen.get(h);
    if (b === undefined) {
      b = HEX_HASH.test(h) ? Buffer.from(h, 'hex') : null;
      this.#seen.set(h, b);
    }
    return b;
  }

  /** list decodes a proof path, or undefined when it is not an array of lowercase hex hashes. */
  list(path: unknown): Buffer[] | undefined {
    if (!Array.isArray(path)) return undefined;
    const out: Buffer[] = [];
    for (const h of path) {
      const b = this.one(h);
      if (!b) return undefined;
      out.push(b);
    }
    return out;
  }
}

/** verifyPackage checks the bag in directory `bag`. */
export async function verifyPackage(bag: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, failures: [], warnings: [], passed: [] };
  const pool = new FilePool();
  try {
    const v = new Run(bag, report, options, pool);
    // The log checks (CPU on this thread) run while the workers hash the payload.
    const manifest = v.bag();
    await Promise.all([manifest, v.custody(manifest)]);
  } finally {
    await pool.close();
  }
  return { ...report, ok: report.failures.length === 0 };
}

class Run {
  constructor(
    readonly root: string,
    readonly report: VerifyReport,
    readonly options: VerifyOptions,
    readonly pool: FilePool,
  ) {}

  fail(check: CheckName, detail: string): void {
    this.report.failures.push({ check, detail });
  }

  pass(check: string, detail: string): void {
    this.report.passed.push({ check, detail });
  }

  full(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  async text(path: string, limit = MAX_TEXT): Promise<string | undefined> {
    const st = await lstat(this.full(path)).catch(() => undefined);
    if (!st) return void this.fail('missing-file', path);
    if (!st.isFile()) return void this.fail('not-a-file', path);
    if (st.size > limit) return void this.fail('too-large', `${path} is larger than ${limit} bytes`);
    return readFile(this.full(path), 'utf8');
  }

  manifest(text: string | undefined, name: string): Map<string, string> {
    if (text === undefined) return new Map();
    try {
      return parseManifest(text, name);
    } catch (err) {
      this.fail('manifest-format', (err as BagFormatError).message);
      return new Map();
    }
  }

  async files(): Promise<string[]> {
    const out: string[] = [];
    for (const e of await readdir(this.root, { recursive: true, withFileTypes: true })) {
      const rel = relative(this.root, join(e.parentPath, e.name)).split(sep).join('/');
      if (e.isSymbolicLink()) this.fail('not-a-file', `${rel} is a symbolic link`);
      else if (e.isFile()) out.push(rel);
      else if (!e.isDirectory()) this.fail('not-a-file', rel);
    }
    return out.sort();
  }

  /**
   * hashAll hashes every file a manifest lists, several at once on worker threads, and returns
   * how many match and the size of each file read (for Payload-Oxum, without a second pass).
   */
  async hashAll(entries: Map<string, string>, name: string, check: 'payload-hash' | 'tag-hash') {
    const sizes = new Map<string, number>();
    let good = 0;
    const list = [...entries];
    let next = 0;
    const work = async () => {
      for (let i = next++; i < list.length; i = next++) {
        const [path, want] = list[i]!;
        const r = await this.pool.hash(this.full(path));
        if ('error' in r) {
          if (r.error === 'missing') this.fail('missing-file', `${path} (listed in ${name})`);
          else if (r.error === 'not-a-file') this.fail('not-a-file', `${path} (${r.detail})`);
          else this.fail('missing-file', `${path} cannot be read (${r.detail})`);
          continue;
        }
        sizes.set(path, r.size);
        this.options.onProgress?.(r.size);
        if (r.sha256 !== want) this.fail(check, `${path}: SHA-256 ${r.sha256}, ${name} says ${want}`);
        else good++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, work));
    return { good, sizes };
  }

  /** bag checks RFC 8493 §3 validity and returns the payload manifest. */
  async bag(): Promise<Map<string, string>> {
    const declaration = await this.text('bagit.txt', 4096);
    if (declaration !== undefined) {
      const [version, encoding] = declaration.split(/\r?\n/);
      if (version !== 'BagIt-Version: 1.0' || encoding !== 'Tag-File-Character-Encoding: UTF-8')
        this.fail('bag-declaration', 'bagit.txt must declare BagIt-Version: 1.0 and UTF-8');
    }
    const files = await this.files();
    const manifest = this.manifest(await this.text(MANIFEST), MANIFEST);
    const tags = this.manifest(await this.text(TAG_MANIFEST), TAG_MANIFEST);
    for (const p of manifest.keys())
      if (!p.startsWith('data/')) this.fail('manifest-format', `${p} is listed as payload outside data/`);
    for (const p of tags.keys())
      if (p.startsWith('data/')) this.fail('manifest-format', `${p} is payload in the tag manifest`);
    for (const f of files) {
      if (f.startsWith('data/')) {
        if (!manifest.has(f)) this.fail('unlisted-file', `${f} is not in ${MANIFEST}`);
      } else if (f !== TAG_MANIFEST && !tags.has(f))
        this.fail('unlisted-file', `${f} is not in ${TAG_MANIFEST}`);
    }
    const hashed = await this.hashAll(manifest, MANIFEST, 'payload-hash');
    const payloadSizes = hashed.sizes;
    this.pass('payload', `${hashed.good} of ${manifest.size} payload files match ${MANIFEST}`);
    const tagged = await this.hashAll(tags, TAG_MANIFEST, 'tag-hash');
    this.pass('tags', `${tagged.good} of ${tags.size} tag files match ${TAG_MANIFEST}`);
    const info = await this.text('bag-info.txt', 1 << 20);
    if (info !== undefined) {
      let oxum: string | undefined;
      try {
        oxum = parseBagInfo(info).get('Payload-Oxum')?.[0];
      } catch (err) {
        this.fail('manifest-format', (err as Error).message);
      }
      const payload = files.filter((f) => f.startsWith('data/'));
      let octets = 0;
      // Sizes come from the hashing pass; only files the manifest does not list need a stat.
      for (const f of payload) octets += payloadSizes.get(f) ?? (await lstat(this.full(f))).size;
      const m = /^([0-9]+)\.([0-9]+)$/.exec(oxum ?? '');
      if (!m) this.fail('payload-oxum', 'bag-info.txt has no Payload-Oxum');
      else if (Number(m[1]) !== octets || Number(m[2]) !== payload.length)
        this.fail('payload-oxum', `bag-info.txt says ${oxum}, data/ holds ${octets}.${payload.length}`);
      else this.pass('payload-oxum', `${octets} bytes in ${payload.length} files`);
    }
    return manifest;
  }

  open(note: string, key: Verifier): Checkpoint | string {
    try {
      return openCheckpoint(note.replace(/\r\n/g, '\n'), key);
    } catch (err) {
      return (err as Error).message;
    }
  }

  key(text: string): Verifier | undefined {
    try {
      return parseVerifierKey(text.trim());
    } catch {
      return undefined;
    }
  }

  /** custody checks the log evidence: entries, proofs, checkpoint, keys, item bindings. */
  async custody(manifestReady: Promise<Map<string, string>>): Promise<void> {
    const [keyText, note, entriesText, proofsText, infoText] = [
      await this.text(VERIFIER_KEY, 4096),
      await this.text(CHECKPOINT, 1 << 20),
      await this.text(ENTRIES),
      await this.text(PROOFS),
      await this.text(PACKAGE_INFO),
    ];
    if (
      keyText === undefined ||
      note === undefined ||
      entriesText === undefined ||
      proofsText === undefined ||
      infoText === undefined
    )
      return;
    const included = this.key(keyText);
    if (!included) return this.fail('verifier-key', `${VERIFIER_KEY} is not a C2SP Ed25519 verifier key`);
    let cp: Checkpoint | undefined;
    const opened = this.open(note, included);
    if (typeof opened === 'string')
      this.fail('checkpoint-signature', `${CHECKPOINT} against ${VERIFIER_KEY}: ${opened}`);
    else {
      cp = opened;
      this.pass('checkpoint-signature', `size ${cp.size}, signed by ${included.name}`);
    }
    const pinned = this.options.key === undefined ? undefined : this.key(this.options.key);
    if (this.options.key === undefined)
      this.report.warnings.push({
        check: 'pinned-key',
        detail: 'not checked: give --key with the deployment key, obtained independently',
      });
    else if (!pinned) this.fail('pinned-key', 'the --key value is not a C2SP Ed25519 verifier key');
    else {
      const byPinned = this.open(note, pinned);
      if (typeof byPinned === 'string') {
        this.fail('pinned-key', `${CHECKPOINT} against the pinned key: ${byPinned}`);
        cp = undefined;
      } else this.pass('pinned-key', 'the checkpoint is signed by the pinned key');
    }
    const entries = await this.entries(entriesText);
    const proofs = this.json(proofsText, PROOFS) as { treeSize?: unknown; proofs?: unknown } | undefined;
    if (!proofs || !Array.isArray(proofs.proofs)) return this.fail('tag-format', PROOFS);
    if (cp) {
      if (proofs.treeSize !== cp.size)
        this.fail(
          'inclusion-proof',
          `proofs are for tree size ${String(proofs.treeSize)}, the checkpoint is ${cp.size}`,
        );
      const byseq = new Map(
        (proofs.proofs as { seq?: unknown; path?: unknown }[]).map((p) => [p?.seq, p?.path] as const),
      );
      let good = 0;
      let n = 0;
      const hashes = new HashCache();
      for (const [seq, e] of entries) {
        const path = hashes.list(byseq.get(seq));
        if (!path) this.fail('inclusion-proof', `entry ${seq} has no proof`);
        else if (!verifyInclusion(e.leaf, seq, cp.size, path, cp.root))
          this.fail('inclusion-proof', `entry ${seq} is not in the tree of the checkpoint`);
        else good++;
        if (++n % YIELD_EVERY === 0) await yieldToWorkers();
      }
      this.pass(
        'inclusion-proofs',
        `${good} of ${entries.size} entries proven in the tree of size ${cp.size}`,
      );
    }
    const info = this.json(infoText, PACKAGE_INFO) as PackageInfo | undefined;
    if (!info || !Array.isArray(info.items)) return this.fail('tag-format', PACKAGE_INFO);
    this.items(info, await manifestReady, entries);
    if (this.options.checkpoint !== undefined && cp) await this.newer(cp, pinned ?? included);
  }

  json(text: string, name: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      this.fail('tag-format', `${name} is not JSON`);
      return undefined;
    }
  }

  async entries(text: string): Promise<Map<number, { leaf: Buffer; body: Record<string, unknown> }>> {
    const out = new Map<number, { leaf: Buffer; body: Record<string, unknown> }>();
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const [i, line] of lines.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToWorkers();
      let e: { seq?: unknown; payload?: unknown; leafHash?: unknown };
      try {
        e = JSON.parse(line);
      } catch {
        this.fail('entry-format', `${ENTRIES} line ${i + 1} is not JSON`);
        continue;
      }
      if (
        !e ||
        !Number.isSafeInteger(e.seq) ||
        typeof e.payload !== 'string' ||
        typeof e.leafHash !== 'string'
      ) {
        this.fail('entry-format', `${ENTRIES} line ${i + 1}`);
        continue;
      }
      const seq = e.seq as number;
      // RFC 6962 §2.1: a leaf hash is SHA-256(0x00 || leaf data); the data is the entry's JSON.
      const leaf = leafHash(Buffer.from(e.payload, 'utf8'));
      if (leaf.toString('hex') !== e.leafHash) {
        this.fail(
          'leaf-hash',
          `entry ${seq}: SHA-256(0x00 || entry) is ${leaf.toString('hex')}, the package says ${e.leafHash}`,
        );
        continue;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(e.payload) as Record<string, unknown>;
      } catch {
        this.fail('entry-format', `entry ${seq}: payload is not JSON`);
        continue;
      }
      if (body.seq !== seq) {
        this.fail('entry-format', `entry ${seq}: its payload says seq ${String(body.seq)}`);
        continue;
      }
      out.set(seq, { leaf, body });
    }
    this.pass('leaf-hashes', `${out.size} custody entries recomputed`);
    return out;
  }

  items(
    info: PackageInfo,
    manifest: Map<string, string>,
    entries: Map<number, { body: Record<string, unknown> }>,
  ) {
    let bound = 0;
    for (const item of info.items) {
      const label = typeof item?.ern === 'string' ? item.ern : '?';
      if (manifest.get(item.path) !== item.sha256) {
        this.fail('item-hash', `${label}: ${item.path} is not in ${MANIFEST} with SHA-256 ${item.sha256}`);
        continue;
      }
      const mine = (Array.isArray(item.entries) ? item.entries : []).map((s) => entries.get(s));
      if (mine.some((e) => !e || e.body.item !== item.itemId)) {
        this.fail(
          'item-entries',
          `${label}: an entry the package lists for it is missing or about another item`,
        );
        continue;
      }
      const bodies = mine.map((e) => e!.body);
      const recorded = bodies.some(
        (b) =>
          (b.kind === 'ingest' || b.kind === 'derive' || b.kind === 'redact') && b.sha256 === item.sha256,
      );
      const exported = bodies.some(
        (b) => b.kind === 'export' && b.package === info.packageId && b.sha256 === item.sha256,
      );
      if (!recorded) this.fail('item-not-in-log', `${label}: no ingest entry records SHA-256 ${item.sha256}`);
      else if (!exported)
        this.fail('export-entry', `${label}: no export entry for package ${info.packageId}`);
      else bound++;
    }
    this.pass('items', `${bound} of ${info.items.length} items bound to their ingest and export entries`);
  }

  async newer(cp: Checkpoint, key: Verifier): Promise<void> {
    const file = this.options.checkpoint!;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return this.fail('consistency', `cannot read ${file}`);
    let note = text;
    let proofs: { old?: unknown; new?: unknown; proof?: unknown }[] = [];
    if (text.trimStart().startsWith('{')) {
      const bundle = this.json(text, file) as { checkpoint?: unknown; consistency?: unknown } | undefined;
      if (!bundle) return;
      note = typeof bundle.checkpoint === 'string' ? bundle.checkpoint : '';
      proofs = Array.isArray(bundle.consistency) ? bundle.consistency : [];
    }
    const newer = this.open(note.replace(/\n+$/, '\n'), key);
    if (typeof newer === 'string') return this.fail('consistency', `the newer checkpoint: ${newer}`);
    if (newer.size < cp.size)
      return this.fail(
        'consistency',
        `the newer checkpoint (size ${newer.size}) is older than the package's (${cp.size})`,
      );
    if (newer.size === cp.size) {
      if (!newer.root.equals(cp.root))
        return this.fail('consistency', 'same size, different root: the log forked');
      return this.pass('consistency', `the given checkpoint is the package's (size ${newer.size})`);
    }
    const p = proofs.find((c) => c?.old === cp.size && c?.new === newer.size);
    const hashes =
      Array.isArray(p?.proof) && p.proof.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
        ? (p.proof as string[]).map((h) => Buffer.from(h, 'hex'))
        : undefined;
    if (!hashes)
      return this.fail(
        'consistency',
        `no consistency proof from size ${cp.size} to ${newer.size} in ${file}`,
      );
    if (!verifyConsistency(cp.size, newer.size, cp.root, newer.root, hashes))
      return this.fail(
        'consistency',
        `the log of size ${newer.size} does not extend the package's checkpoint`,
      );
    this.pass('consistency', `the newer checkpoint (size ${newer.size}) extends the package's (${cp.size})`);
  }
}
