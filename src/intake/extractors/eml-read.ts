/**
 * eml-read.ts — e-mail messages (.eml, RFC 5322 + MIME): headers as facts, the text body (or the
 * HTML body reduced to text) as a `body` derivative, and every attachment as an `attachment`
 * derivative that gets its own intake one level deeper. Parsed with mailparser in the isolated
 * child, after mime-structure.ts has refused messages with too many or too deeply nested parts.
 */
import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';
import { htmlToText } from '../html-text.js';
import { looksLikeEmail, mimeShape } from '../mime-structure.js';

export const emlReader: Extractor = {
  name: 'email',
  accepts: (mediaType, head) =>
    (mediaType.startsWith('text/plain') || mediaType === 'message/rfc822') &&
    looksLikeEmail(head.toString('latin1')),
  async extract(input: ExtractInput): Promise<Extraction> {
    if (input.depth > input.limits.maxDepth) {
      throw new IntakeError(
        'TOO_DEEP',
        `message nested ${input.depth} levels deep (ATTEST_INTAKE_MAX_DEPTH)`,
      );
    }
    if (input.size > input.limits.maxTextBytes) {
      throw new IntakeError(
        'TOO_LARGE',
        `the message is over ${input.limits.maxTextBytes} bytes (ATTEST_INTAKE_MAX_TEXT_BYTES)`,
      );
    }
    const raw = await readFile(input.path);
    const shape = mimeShape(raw.toString('latin1'));
    if (shape.parts > input.limits.maxMimeParts) {
      throw new IntakeError(
        'TOO_MANY_PARTS',
        `the message has ${shape.parts} MIME parts, over the limit of ${input.limits.maxMimeParts} (ATTEST_INTAKE_MAX_MIME_PARTS)`,
      );
    }
    if (shape.depth > input.limits.maxMimeDepth) {
      throw new IntakeError(
        'TOO_DEEP',
        `the message nests MIME parts ${shape.depth} deep, over the limit of ${input.limits.maxMimeDepth} (ATTEST_INTAKE_MAX_MIME_DEPTH)`,
      );
    }
    const mail = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
    const body = mail.text?.trim() || (typeof mail.html === 'string' ? htmlToText(mail.html).text : '');
    const derivatives: Derivative[] = [
      {
        kind: 'body',
        key: 'text',
        content: Buffer.from(body, 'utf8'),
        mediaType: 'text/plain; charset=utf-8',
        originalName: 'body.txt',
        title: 'Message body',
        tool: 'mailparser',
        toolVersion: '3',
      },
    ];
    for (const [i, a] of mail.attachments.entries()) {
      derivatives.push({
        kind: 'attachment',
        key: `attachment:${i}`,
        content: a.content,
        originalName: a.filename ?? `attachment-${i + 1}`,
        title: a.filename ? `${a.filename} (attachment)` : `Attachment ${i + 1}`,
        tool: 'mailparser',
        toolVersion: '3',
        metadata: { declaredType: a.contentType.slice(0, 200), size: a.size },
        intakeDepth: input.depth + 1,
      });
    }
    const addr = (v: unknown) => {
      const list = Array.isArray(v) ? v : v ? [v] : [];
      return (
        list
          .map((x) => (x as { text?: string }).text ?? '')
          .join(', ')
          .slice(0, 1000) || null
      );
    };
    return {
      facts: {
        format: 'email',
        from: addr(mail.from),
        to: addr(mail.to),
        cc: addr(mail.cc),
        subject: mail.subject?.slice(0, 1000) ?? null,
        date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
        messageId: mail.messageId?.slice(0, 500) ?? null,
        inReplyTo: mail.inReplyTo?.slice(0, 500) ?? null,
        attachments: mail.attachments.length,
        mimeParts: shape.parts,
      },
      derivatives,
    };
  },
};
