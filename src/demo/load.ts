/**
 * load.ts — puts the Aleppo 2016 scenario (aleppo-2016.ts) into a store as a live deployment would
 * hold it: the plan (mandates, operations in one compartment, convoys, vehicles, manifests), each
 * synthetic monitor's device key, every observation verbatim with its signature and custody entry
 * (each signature checked for real first), and the alerts that reconciliation derives.
 */
import { type Ctx, nowIso } from '../ctx.js';
import { maybeCheckpoint } from '../custody/index.js';
import {
  type ObservationToStore,
  observationSigningText,
  opsEngine,
  planOperations,
  storeObservations,
  verifySignedText,
} from '../ops/index.js';
import type { Aleppo2016Scenario } from './aleppo-2016.js';

/** The compartment the demo's operations live in, unless the caller names another. */
export const DEMO_COMPARTMENT = 'aleppo-2016';
/** The actor recorded for the plan's status history. */
const LOADER = 'demo-loader';
/** Observations per transaction: few transactions, none holding the database too long. */
const TRANSACTION_BATCH = 5_000;

export interface LoadResult {
  readonly operations: number;
  readonly observations: number;
  readonly alerts: number;
}

/**
 * loadAleppo2016 stores `scenario` in an empty deployment. Monitors are not sign-in accounts: their
 * device keys are stored under their scenario ids. Throws (storing no observation) if any
 * signature does not verify against its monitor's key.
 */
export async function loadAleppo2016(
  ctx: Ctx,
  scenario: Aleppo2016Scenario,
  { compartment = DEMO_COMPARTMENT }: { compartment?: string } = {},
): Promise<LoadResult> {
  const keys = new Map(scenario.monitors.map((m) => [m.id, m] as const));
  const rows: ObservationToStore[] = scenario.observations.map((obs) => {
    const monitor = keys.get(obs.monitorId);
    if (!monitor || monitor.deviceKeyId !== obs.deviceKeyId) {
      throw new Error(`observation ${obs.clientId} names an unknown monitor or device key`);
    }
    const signedText = observationSigningText(obs);
    const signature = scenario.signatures[obs.clientId];
    if (signature === undefined || !verifySignedText(signedText, signature, monitor.publicKeyRawB64)) {
      throw new Error(`observation ${obs.clientId}: the signature does not verify`);
    }
    return { observation: obs, signedText, signature, actorId: obs.monitorId };
  });

  await planScenario(ctx, scenario, compartment);
  for (let i = 0; i < rows.length; i += TRANSACTION_BATCH) {
    await storeObservations(ctx, rows.slice(i, i + TRANSACTION_BATCH));
  }
  await maybeCheckpoint(ctx);
  await opsEngine(ctx).sync();
  const alerts = await ctx.db
    .selectFrom('alert')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { operations: scenario.operations.length, observations: rows.length, alerts: Number(alerts.n) };
}

/**
 * planScenario stores the scenario's plan (operations in `compartment`) and its synthetic monitors'
 * device keys (under their scenario ids: they are not sign-in accounts), without observations.
 */
export async function planScenario(
  ctx: Ctx,
  scenario: Aleppo2016Scenario,
  compartment: string,
): Promise<void> {
  await planOperations(
    ctx,
    {
      mandates: scenario.mandates,
      operations: scenario.operations.map((op) => ({ ...op, compartment })),
      convoys: scenario.convoys,
      vehicles: scenario.vehicles,
      manifests: scenario.manifests,
    },
    LOADER,
  );
  const at = nowIso(ctx);
  await ctx.db
    .insertInto('device_key')
    .values(
      scenario.monitors.map((m) => ({
        id: m.deviceKeyId,
        user_id: m.id,
        public_key: m.publicKeyRawB64,
        label: 'synthetic demo device',
        created_at: at,
        revoked_at: null,
      })),
    )
    .execute();
}
