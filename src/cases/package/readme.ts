/** readme.ts — README.txt of a package: how to check it with standard tools and with Node alone. */
import type { PackageInfo } from './layout.js';

export function packageReadme(info: PackageInfo, origin: string, bagName: string): string {
  const target = info.rfa
    ? `request for assistance ${info.rfa.ref} (case ${info.case.ref})`
    : `case ${info.case.ref}`;
  return `Attest evidence package ${bagName}
${'='.repeat(25 + bagName.length)}

This is a BagIt 1.0 bag (RFC 8493, https://www.rfc-editor.org/rfc/rfc8493) exported by Attest for
${target} on ${info.createdAt}. It holds ${info.items.length} item(s)${info.redacted ? ', redacted where a redaction exists' : ''}.

What is in it
  data/<ERN>/...             each item's bytes and its metadata.json
  manifest-sha256.txt        SHA-256 of every file under data/
  tagmanifest-sha256.txt     SHA-256 of every other file (except itself)
  bag-info.txt               Source-Organization, Bagging-Date, Payload-Oxum, ...
  attest/custody-entries.jsonl   the custody-log entries about every included item
  attest/inclusion-proofs.json   proof that each entry is in the log (RFC 6962 section 2.1.1)
  attest/checkpoint.txt          the log's signed checkpoint (C2SP tlog-checkpoint, signed-note)
  attest/verifier-key.txt        the log's public key (C2SP signed-note verifier key)
  verify.mjs                     a verifier needing only Node.js (18 or later), no install

1. The files, with standard tools (from this directory):

     sha256sum -c manifest-sha256.txt
     sha256sum -c tagmanifest-sha256.txt

   (On macOS: shasum -a 256 -c manifest-sha256.txt.) Every line must say OK. Also check that
   no file under data/ is missing from manifest-sha256.txt, and that the byte and file counts of
   Payload-Oxum in bag-info.txt match data/.

2. Everything, with Node.js alone (no network, no database, no packages):

     node verify.mjs --key '${'<the deployment verifier key, obtained independently>'}'

   It checks the bag (manifests, Payload-Oxum, tag manifest, no unlisted files), recomputes
   every custody entry's leaf hash SHA-256(0x00 || entry) and checks every inclusion proof
   against the checkpoint, checks the checkpoint's Ed25519 signature against the key in
   attest/verifier-key.txt and, with --key, against the key you pinned (obtain it from the
   deployment ${origin} through a channel you trust, not from this package). With
   --checkpoint FILE it also checks that a newer checkpoint you hold extends this one
   (FILE: a signed checkpoint of the same size, or the JSON of "attest log proofs --json").
   It prints each failure by name and exits non-zero on any.

3. With Attest: attest verify-package <this directory or archive> --key <verifier key>.

The custody entries hold ids, hashes, kinds, times and account ids only, never personal data.
`;
}
