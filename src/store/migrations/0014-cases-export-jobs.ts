// 0014 — exports requested over the API run as durable jobs (src/store/jobs.ts, issue 20): each
// export package records the job that builds it, so its progress, attempts and failure reason are
// read from the job and a restart resumes it instead of losing it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('export_package').addColumn('job_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('export_package').dropColumn('job_id').execute();
}
