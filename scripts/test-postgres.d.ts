export interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
}
export interface TestPostgresOptions {
  /** A kept cluster: made here on first use, left in place by stop(). */
  dataDir?: string;
  port?: number;
  /** Extra `postgres` options, e.g. ['-c', 'shared_buffers=1GB']. */
  flags?: string[];
}
export function startTestPostgres(options?: TestPostgresOptions): Promise<TestPostgres>;
