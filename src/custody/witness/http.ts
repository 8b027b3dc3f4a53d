/**
 * http.ts — one add-checkpoint request to a witness, bounded in time and size: the whole
 * exchange (connect, send, read) must end within `timeoutMs`, and a reply larger than
 * `maxBytes` is cut off and refused. Redirects are refused (a witness is named by its URL).
 * Errors name the witness, never its URL (which may carry a path secret) or the reply's bytes.
 */
import { WitnessFailure } from './protocol.js';

export interface WitnessReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ExchangeLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** postAddCheckpoint POSTs `body` to `<prefix>/add-checkpoint` and reads the bounded reply. */
export async function postAddCheckpoint(
  name: string,
  prefix: string,
  body: string,
  limits: ExchangeLimits,
): Promise<WitnessReply> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const res = await fetch(`${prefix}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      redirect: 'error',
      signal,
    });
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > limits.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new WitnessFailure(
        'REPLY_TOO_LARGE',
        `witness ${name} replied with more than ${limits.maxBytes} bytes`,
      );
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > limits.maxBytes) {
          await reader.cancel().catch(() => {});
          throw new WitnessFailure(
            'REPLY_TOO_LARGE',
            `witness ${name} replied with more than ${limits.maxBytes} bytes`,
          );
        }
        chunks.push(Buffer.from(value));
      }
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: Buffer.concat(chunks),
    };
  } catch (err) {
    if (err instanceof WitnessFailure) throw err;
    if (signal.aborted)
      throw new WitnessFailure('TIMEOUT', `witness ${name} did not answer within ${limits.timeoutMs} ms`);
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    throw new WitnessFailure('UNREACHABLE', `witness ${name} could not be reached${code}`);
  }
}
