// 0025 — the monitors assigned to each route point (issue 13.2): the plan says who is expected to
// report from a point, so the reconciliation waits for each of them before judging the point
// reported past a time, even before one of them is first heard from there (src/ops/reconcile/frontier.ts).
// One row per (operation, point, monitor); `ord` keeps the plan's order. Plans made before have no
// rows: their points are judged on the monitors heard from, as before.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('route_point_monitor')
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('route_point_id', 'text', (c) => c.notNull())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('route_point_monitor_pk', ['operation_id', 'route_point_id', 'monitor_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('route_point_monitor').execute();
}
