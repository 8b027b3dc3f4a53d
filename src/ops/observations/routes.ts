/**
 * routes.ts — the monitor's routes: register and revoke device keys, submit signed observations,
 * send the photos an accepted observation signed.
 */

import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { strictValidator } from '../../api/strict-validator.js';
import type { AttestPlugin, TypeBoxTypeProvider } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { OpsError } from '../errors.js';
import { readableOperation } from '../plan/service.js';
import { OperationParam } from '../schema-parts.js';
import { listConflicts } from './conflicts.js';
import { listDeviceKeys, registerDeviceKey, revokeDeviceKey } from './devices.js';
import { attachPhoto, MAX_PHOTO_BYTES } from './photos.js';
import {
  ConflictChoiceBody,
  ConflictChoiceResult,
  ConflictListSchema,
  ConflictsQuery,
  DeviceBody,
  DeviceListSchema,
  DeviceParam,
  DeviceResult,
  PhotoParams,
  PhotoResult,
  SubmissionBody,
  SubmitResultSchema,
} from './schemas.js';
import { resolveConflict, submitObservation } from './service.js';

const tags = ['operations'];

export const observationRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.post(
    '/api/ops/devices',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        operationId: 'registerDeviceKey',
        tags,
        summary: "Register this device's Ed25519 public key for signing observations",
        body: DeviceBody,
        response: { 201: DeviceResult },
      },
    },
    async (req, reply) => {
      const deviceKeyId = await registerDeviceKey(
        ctx,
        req.access.userId ?? 'anonymous',
        req.body.publicKey,
        req.body.label,
      );
      return reply.status(201).send({ deviceKeyId });
    },
  );

  app.get(
    '/api/ops/devices',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        operationId: 'listDeviceKeys',
        tags,
        summary: 'Your registered device keys',
        response: { 200: DeviceListSchema },
      },
    },
    async (req) => ({ devices: await listDeviceKeys(ctx, req.access.userId ?? 'anonymous') }),
  );

  app.delete(
    '/api/ops/devices/:id',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        operationId: 'revokeDeviceKey',
        tags,
        summary: 'Revoke one of your device keys (a lost phone)',
        params: DeviceParam,
        response: { 204: Type.Null({ description: 'revoked' }) },
      },
    },
    async (req, reply) => {
      if (!(await revokeDeviceKey(ctx, req.params.id, req.access.userId ?? 'anonymous'))) {
        throw new OpsError('NO_SUCH_DEVICE_KEY', 'no active device key of yours with this id');
      }
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/ops/observations',
    {
      config: { policy: { permission: 'observations:submit' } },
      bodyLimit: 64 * 1024,
      validatorCompiler: strictValidator,
      schema: {
        operationId: 'submitObservation',
        tags,
        summary:
          'Submit a signed observation (201 accepted, 200 duplicate, 202 held: a different body under a used client id)',
        body: SubmissionBody,
        response: { 200: SubmitResultSchema, 201: SubmitResultSchema, 202: SubmitResultSchema },
      },
    },
    async (req, reply) => {
      const result = await submitObservation(
        ctx,
        {
          userId: req.access.userId ?? 'anonymous',
          mayObserve: (compartment) => req.access.can('observations:submit', compartment),
          ip: req.ip,
          requestId: req.id,
        },
        req.body,
      );
      if (result.status === 'duplicate') return reply.status(200).send(result);
      if (result.status === 'held') return reply.status(202).send(result);
      req.log.info({ clientId: result.id, seq: result.seq }, 'observation accepted');
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/ops/operations/:id/observation-conflicts',
    {
      config: { policy: { permission: 'alerts:manage' } },
      schema: {
        operationId: 'listObservationConflicts',
        tags,
        summary:
          "An operation's conflicting observations: every body a device signed under one client id, side by side, with the device, each signature's check and the decision",
        params: OperationParam,
        querystring: ConflictsQuery,
        response: { 200: ConflictListSchema },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('alerts:manage', c));
      return listConflicts(ctx, op.id, req.query.state ?? 'open');
    },
  );

  app.post(
    '/api/ops/observation-conflicts/resolve',
    {
      config: { policy: { permission: 'alerts:manage' } },
      schema: {
        operationId: 'resolveObservationConflict',
        tags,
        summary:
          'Choose which of the bodies a device sent under one client id stands (or none), with a reason',
        body: ConflictChoiceBody,
        response: { 200: ConflictChoiceResult },
      },
    },
    (req) =>
      resolveConflict(
        ctx,
        req.body,
        req.access.userId ?? 'anonymous',
        (c) => req.access.can('alerts:manage', c),
        { ip: req.ip, requestId: req.id },
      ),
  );

  await app.register(async (plain) => {
    const photos = plain.withTypeProvider<TypeBoxTypeProvider>();
    // Photo bodies are raw bytes, streamed into the vault; the route's bodyLimit bounds them.
    const raw = (_req: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) =>
      done(null, payload);
    plain.addContentTypeParser('application/octet-stream', raw);
    plain.addContentTypeParser(/^image\/[a-z0-9.+-]+$/, raw);
    photos.put(
      '/api/ops/observations/:clientId/photos/:sha256',
      {
        config: { policy: { permission: 'observations:submit' } },
        bodyLimit: MAX_PHOTO_BYTES,
        schema: {
          operationId: 'attachObservationPhoto',
          tags,
          summary: "Send a photo's bytes for an accepted observation that signed its SHA-256",
          params: PhotoParams,
          response: { 200: PhotoResult, 201: PhotoResult },
        },
      },
      async (req, reply) => {
        const outcome = await attachPhoto(
          ctx,
          {
            userId: req.access.userId ?? 'anonymous',
            mayObserve: (c) => req.access.can('observations:submit', c),
            itemsReadable: req.access.compartmentsFor('items:read'),
          },
          req.params.clientId,
          req.params.sha256,
          req.body as Readable,
        );
        return reply.status(outcome.status === 'added' ? 201 : 200).send(outcome);
      },
    );
  });
};
