/**
 * witness-config.ts — the deployment's witnesses (ATTEST_WITNESSES) and how many of them must
 * cosign a checkpoint (ATTEST_WITNESS_QUORUM), read and checked at start-up so that a typo is a
 * refusal to start with the reason, not a witness that silently never cosigns.
 *
 *   ATTEST_WITNESSES="<vkey> <url>  <vkey> <url> …"    whitespace-separated pairs (newlines welcome)
 *
 * <vkey> is the witness's C2SP cosignature/v1 verifier key (name+keyid+base64(0x04||pub)) and
 * <url> its tlog-witness submission prefix: the client POSTs to <url>/add-checkpoint. Neither a
 * vkey nor a URL holds white space, so pairs need no other separator.
 */
import { parseCosignerKey } from './cosignature.js';

/** MAX_WITNESSES bounds the list (each is contacted after every checkpoint). */
export const MAX_WITNESSES = 32;

/** WitnessConfig names one witness: its key (and the name inside it) and where to reach it. */
export interface WitnessConfig {
  readonly name: string;
  readonly vkey: string;
  /** The submission prefix, without a trailing slash. */
  readonly url: string;
}

export interface WitnessSettings {
  readonly witnesses: readonly WitnessConfig[];
  /** How many distinct witnesses must cosign a checkpoint; 0 when none are configured. */
  readonly quorum: number;
}

/** witnessUrl checks a submission prefix: absolute http(s), no credentials, query or fragment. */
function witnessUrl(raw: string, name: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ATTEST_WITNESSES: the URL of witness ${name} is not an absolute URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
    throw new Error(`ATTEST_WITNESSES: the URL of witness ${name} must be http(s) without query or fragment`);
  if (url.username || url.password)
    throw new Error(`ATTEST_WITNESSES: the URL of witness ${name} must not hold credentials`);
  return url.href.replace(/\/+$/, '');
}

/** readWitnessSettings parses ATTEST_WITNESSES and ATTEST_WITNESS_QUORUM; throws with the reason. */
export function readWitnessSettings(env: NodeJS.ProcessEnv): WitnessSettings {
  const raw = (env.ATTEST_WITNESSES ?? '').trim();
  const tokens = raw === '' ? [] : raw.split(/\s+/);
  if (tokens.length % 2 !== 0)
    throw new Error(
      'ATTEST_WITNESSES must be pairs of "<witness vkey> <submission URL>" separated by white space',
    );
  const witnesses: WitnessConfig[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const [vkey, url] = [tokens[i]!, tokens[i + 1]!];
    if (/^https?:\/\//i.test(vkey))
      throw new Error(`ATTEST_WITNESSES: entry ${i / 2 + 1} starts with a URL; each entry is "<vkey> <url>"`);
    let name: string;
    try {
      name = parseCosignerKey(vkey).name;
    } catch (err) {
      throw new Error(`ATTEST_WITNESSES: entry ${i / 2 + 1}: ${(err as Error).message}`);
    }
    if (witnesses.some((w) => w.name === name))
      throw new Error(`ATTEST_WITNESSES: witness ${name} is listed twice`);
    witnesses.push(Object.freeze({ name, vkey, url: witnessUrl(url, name) }));
  }
  if (witnesses.length > MAX_WITNESSES)
    throw new Error(`ATTEST_WITNESSES: at most ${MAX_WITNESSES} witnesses`);
  const q = env.ATTEST_WITNESS_QUORUM;
  let quorum = witnesses.length;
  if (q !== undefined && q !== '') {
    if (witnesses.length === 0) throw new Error('ATTEST_WITNESS_QUORUM is set but ATTEST_WITNESSES is empty');
    if (!/^[0-9]+$/.test(q) || Number(q) < 1 || Number(q) > witnesses.length)
      throw new Error(
        `ATTEST_WITNESS_QUORUM must be a whole number from 1 to ${witnesses.length}, got "${q}"`,
      );
    quorum = Number(q);
  }
  return Object.freeze({ witnesses: Object.freeze(witnesses), quorum });
}
