export interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
}
export function startTestPostgres(): Promise<TestPostgres>;
