/**
 * signer-health.ts — the signer's refusals made loud. When the signer will not sign (the log does
 * not extend what it signed last, its state is missing, …) the append that triggered the check
 * still commits — evidence is never turned away — but the refusal is recorded here per data
 * directory, reported by `/healthz` (503, "custody signer refused") and handed to every listener
 * (the server writes it to its log; the CLI prints it).
 */
import type { Ctx } from '../ctx.js';

export interface SignerRefusal {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

const refusals = new Map<string, SignerRefusal>();
const listeners = new Set<(refusal: SignerRefusal, dataDir: string) => void>();

/** recordRefusal remembers why the signer refused and tells every listener. */
export function recordRefusal(ctx: Pick<Ctx, 'config' | 'clock'>, code: string, message: string): void {
  const refusal = { code, message, at: ctx.clock().toISOString() };
  refusals.set(ctx.config.dataDir, refusal);
  for (const l of listeners) l(refusal, ctx.config.dataDir);
}

/** clearRefusal marks the signer healthy again (it signed). */
export function clearRefusal(ctx: Pick<Ctx, 'config'>): void {
  refusals.delete(ctx.config.dataDir);
}

/** signerRefusal returns the refusal standing for this deployment, if any. */
export function signerRefusal(ctx: Pick<Ctx, 'config'>): SignerRefusal | undefined {
  return refusals.get(ctx.config.dataDir);
}

/** onSignerRefusal registers a listener and returns the function that removes it. */
export function onSignerRefusal(listener: (refusal: SignerRefusal, dataDir: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
