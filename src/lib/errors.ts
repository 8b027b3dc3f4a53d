/**
 * errors.ts — the base of every domain error: a stable string `code` that callers branch on
 * and that src/api/problems.ts maps to an RFC 9457 problem type, plus the data a caller needs.
 */
export class AttestError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: C,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
    this.name = this.constructor.name;
  }
}
