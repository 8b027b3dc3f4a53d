/**
 * json-validators.ts — validators for the JSON resources under /api (RFC 9110 §13, issue 19.2): an
 * onSend hook gives every successful GET/HEAD JSON response a weak entity tag of its body (weak:
 * the same JSON may be sent gzip- or br-encoded, §8.8.1) and answers its preconditions:
 * If-None-Match → 304 with no body, a failed If-Match → 412 (a weak tag never passes If-Match's
 * strong comparison, §13.1.1, so only `If-Match: *` passes). Routes that set their own ETag (item
 * content) are left alone.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { evaluatePreconditions } from './conditional.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemFor } from './problems.js';

/** jsonValidators is the onSend hook described above. */
export async function jsonValidators(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
  if (reply.statusCode !== 200 || reply.hasHeader('etag') || !request.url.startsWith('/api/')) return payload;
  const type = String(reply.getHeader('content-type') ?? '');
  if (!/^application\/json(;|$)/.test(type) || (typeof payload !== 'string' && !Buffer.isBuffer(payload)))
    return payload;
  const etag = `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
  reply.header('etag', etag);
  const verdict = evaluatePreconditions(request.method, request.headers, { etag });
  if (verdict === 'not-modified') {
    reply.code(304);
    reply.removeHeader('content-length');
    reply.removeHeader('content-type');
    return '';
  }
  if (verdict === 'precondition-failed') {
    const body = problemFor(
      new HttpProblem('precondition-failed', 'the resource does not match If-Match'),
      request.id,
    );
    reply.code(412).type(PROBLEM_CONTENT_TYPE).removeHeader('etag');
    return JSON.stringify(body);
  }
  return payload;
}
