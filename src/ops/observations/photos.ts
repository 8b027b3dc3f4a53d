/**
 * photos.ts — the photos a monitor takes with an observation. The device signs each photo's
 * SHA-256 inside the observation (known offline, before any upload), then sends the bytes once the
 * observation is accepted. The bytes enter the evidence vault as an item in the operation's
 * compartment, with the observation as provenance, only if their hash is one the signed
 * observation names: a photo cannot be swapped after the fact, and a re-send is a duplicate. The
 * same bytes under an item the monitor may not see are recorded anew, never reported (issue 12.1).
 */
import type { Readable } from 'node:stream';
import type { Ctx } from '../../ctx.js';
import { duplicateScopeFor, recordItems, stageContent, titleFrom } from '../../vault/index.js';
import { OpsError } from '../errors.js';
import { opsEngine } from '../reconcile/engine.js';
import { selectMonitorObservations } from '../repo/observations.js';
import type { Submitter } from './service.js';

export interface PhotoOutcome {
  readonly ern: string;
  readonly status: 'added' | 'duplicate';
}

/** PhotoSender is a Submitter with the compartments whose evidence items they may read. */
export interface PhotoSender extends Submitter {
  readonly itemsReadable: readonly string[] | 'all';
}

/** MAX_PHOTO_BYTES bounds one photo (phones make 2–12 MB JPEGs/HEICs). */
export const MAX_PHOTO_BYTES = 32 * 1024 * 1024;

/**
 * photoTitle names a monitor's photo as a reader would look for it: the vehicles, the point and
 * the device's time to the minute (UTC), e.g. "Photo of BUS-017 at Ramouseh, 2016-12-16 10:05 UTC".
 * The observation's client id stays in the metadata and the source, not in the title.
 */
export function photoTitle(
  markings: readonly string[],
  pointName: string | undefined,
  deviceTime: string,
): string {
  const shown = markings.length > 3 ? [...markings.slice(0, 3), `+${markings.length - 3}`] : markings;
  const what = shown.length > 0 ? ` of ${shown.join(', ')}` : '';
  const where = pointName ? ` at ${pointName}` : '';
  const at = new Date(deviceTime);
  const iso = Number.isNaN(at.getTime()) ? '' : at.toISOString();
  const when = iso ? `, ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
  return `Photo${what}${where}${when}`;
}

/**
 * attachPhoto stores the bytes of a photo named by the caller's own accepted observation
 * `clientId`. It throws OpsError: UNKNOWN_OBSERVATION (not the caller's, or not visible),
 * PHOTO_NOT_IN_OBSERVATION, PHOTO_HASH_MISMATCH, PHOTO_NOT_IMAGE.
 */
export async function attachPhoto(
  ctx: Ctx,
  who: PhotoSender,
  clientId: string,
  sha256: string,
  bytes: Readable,
): Promise<PhotoOutcome> {
  // The caller's own observation with this client id that signed this photo (any of their devices).
  const rows = await selectMonitorObservations(ctx.db, who.userId, clientId);
  const row = rows.find((r) => (JSON.parse(r.photo_sha256) as string[]).includes(sha256)) ?? rows[0];
  const found = row
    ? await opsEngine(ctx).read((_, registry) => {
        const operation = registry.operations.find((o) => o.id === row.operation_id);
        const vehicleIds = new Set(JSON.parse(row.vehicle_ids) as string[]);
        const markings = registry.vehicles.filter((v) => vehicleIds.has(v.id)).map((v) => v.marking);
        return operation ? { operation, markings } : undefined;
      })
    : undefined;
  const operation = found?.operation;
  if (!row || row.monitor_id !== who.userId || !operation || !who.mayObserve(operation.compartment)) {
    bytes.resume();
    throw new OpsError('UNKNOWN_OBSERVATION', 'no such observation of yours', { clientId });
  }
  if (operation.exercise === true) {
    // An exercise is training: nothing it produces enters the vault or a case's exports.
    bytes.resume();
    throw new OpsError(
      'EXERCISE_NOT_EVIDENCE',
      'this is an exercise operation: its photos are not kept as evidence',
      {
        clientId,
      },
    );
  }
  if (!(JSON.parse(row.photo_sha256) as string[]).includes(sha256)) {
    bytes.resume();
    throw new OpsError(
      'PHOTO_NOT_IN_OBSERVATION',
      'the signed observation names no photo with this SHA-256',
      {
        clientId,
      },
    );
  }
  const staged = await stageContent(
    ctx,
    bytes,
    {
      originalName: `${clientId}-${sha256.slice(0, 12)}`,
      // Built from markings and a place name others typed: made to pass the vault's title rule.
      title: titleFrom(
        photoTitle(
          found!.markings,
          operation.route.find((p) => p.id === row.route_point_id)?.place.name,
          row.device_time,
        ),
      ),
      provenance: {
        source: `monitor observation ${clientId}`,
        collectedAt: row.device_time,
        collectedBy: row.monitor_id,
      },
      compartment: operation.compartment,
      metadata: { observationClientId: clientId, operationId: row.operation_id },
      actor: who.userId,
      // A re-send finds the monitor's own photo; the same bytes held only where the monitor may
      // not read become a new item, and the reply says nothing about them (issue 12.1).
      duplicatesAmong: duplicateScopeFor(who.itemsReadable, who.userId, operation.compartment),
    },
    {
      maxBytes: Math.min(MAX_PHOTO_BYTES, ctx.config.maxItemBytes),
      // A refused photo leaves no bytes behind (issue 12.7): stageContent undoes the staging.
      accept: (staged) => {
        if (staged.blob.sha256 !== sha256) {
          throw new OpsError(
            'PHOTO_HASH_MISMATCH',
            'the bytes received do not have the SHA-256 the observation signed',
            { clientId },
          );
        }
        if (!staged.mediaType.startsWith('image/')) {
          throw new OpsError('PHOTO_NOT_IMAGE', `a photo must be an image, not ${staged.mediaType}`, {
            clientId,
          });
        }
      },
    },
  );
  // The same photo with two of the monitor's observations is one blob and one item: the first is the record.
  const [outcome] = await recordItems(ctx, [staged]);
  return { ern: outcome!.item.ern, status: outcome!.status };
}
