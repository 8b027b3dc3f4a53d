/**
 * device-admin-routes.ts — administrators see every monitor's device keys and revoke one (a phone
 * lost or seized whose monitor cannot revoke it from another device). The same service calls as
 * `attest ops devices` / `attest ops revoke-device` (../cli.ts), under the users:admin permission:
 * device keys are credentials, so they are managed where accounts are. Observations a revoked key
 * signed before stay, with their signatures; from then on its signatures are refused.
 */
import { Type } from '@sinclair/typebox';
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { OpsError } from '../errors.js';
import { listAllDeviceKeys, revokeDeviceKey } from './devices.js';
import { DeviceParam } from './schemas.js';

const AdminDeviceKey = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  label: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export const deviceAdminRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const config = { policy: { permission: 'users:admin' as const } };
  const tags = ['admin'];

  app.get(
    '/api/admin/device-keys',
    {
      config,
      schema: {
        operationId: 'listAllDeviceKeys',
        summary: "Every monitor's device keys, newest first",
        tags,
        response: { 200: Type.Object({ devices: Type.Array(AdminDeviceKey) }) },
      },
    },
    async () => ({ devices: await listAllDeviceKeys(ctx) }),
  );

  app.post(
    '/api/admin/device-keys/:id/revoke',
    {
      config,
      schema: {
        operationId: 'revokeAnyDeviceKey',
        summary: "Revoke a monitor's device key (a lost or seized phone)",
        tags,
        params: DeviceParam,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      if (!(await revokeDeviceKey(ctx, request.params.id))) {
        throw new OpsError('NO_SUCH_DEVICE_KEY', 'no active device key with this id');
      }
      return reply.status(204).send(null);
    },
  );
};
