/**
 * problem-text.tsx — a refused analysis form in plain words: which field, and why. The server's
 * problem+json (RFC 9457) for a bad field is `invalid-record` with `details.field` and an English
 * `detail` (src/analysis/records.ts), or `invalid-request` with `detail` "body.FIELD …" when the
 * request schema refused it first (src/api/validation.ts). The reason is translated when it is one
 * the server is known to give; any other reason is shown as the server wrote it (marked English,
 * left to right), so a new rule on the server is never hidden behind "something went wrong".
 */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { ErrorMessage } from '../ui/error-message.js';

/** A field the server refused and the reason, translated when known (`key`) or as sent (`raw`). */
export interface FieldProblem {
  readonly field: string;
  readonly key?: string;
  readonly values?: Record<string, string>;
  readonly raw?: string;
}

/** Known reasons: the server's wording (records.ts, entities.ts, incidents.ts) → a string key. */
const REASONS: readonly [RegExp, string][] = [
  [/is required$/, 'required'],
  [/is at most (\d+) characters$/, 'tooLong'],
  [/contains control characters$/, 'control'],
  [/must be one of/, 'oneOf'],
  [/the pseudonym must not be the name/, 'pseudonymIsName'],
  [/needs a pseudonym/, 'pseudonymNeeded'],
  [/only a person can be protected/, 'personOnly'],
  [/attribute name .* is not allowed/, 'attributeName'],
  [/must be text, a number or true\/false/, 'attributeValue'],
  [/at most (\d+) attributes/, 'tooManyAttributes'],
  [/is a list of at most (\d+) names/, 'tooManyNames'],
  [/must NOT have fewer than 1 characters/, 'required'],
  [/must NOT have more than (\d+) characters/, 'tooLong'],
];

/** fieldProblem reads the refused field out of an API error, or null when it names none. */
export function fieldProblem(err: unknown): FieldProblem | null {
  if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 422)) return null;
  const details = err.extra.details as { field?: unknown } | undefined;
  let field = typeof details?.field === 'string' ? details.field : undefined;
  if (!field && err.type === 'invalid-request') field = /^body\.([A-Za-z]+)/.exec(err.detail ?? '')?.[1];
  if (!field) return null;
  // `aliases[2]` and `attributes.age` are reported against the list they belong to.
  field = field.replace(/[[.].*$/, '');
  const detail = err.detail ?? '';
  for (const [pattern, key] of REASONS) {
    const m = pattern.exec(detail);
    if (m) return { field, key, values: m[1] ? { n: m[1] } : {} };
  }
  return { field, raw: detail };
}

/**
 * ProblemMessage shows a refused form: "Name: is required" with the field's own label, or, for
 * any other failure, the app's usual error sentence. `labels` maps the API's field names to the
 * form's labels; `id` lets the refused input point at the message (aria-describedby).
 */
export function ProblemMessage({
  error,
  labels,
  id,
}: {
  error: unknown;
  labels: Readonly<Record<string, string>>;
  id?: string;
}) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  const p = fieldProblem(error);
  if (!p) {
    if (error instanceof ApiError && error.type === 'identity-forbidden')
      return (
        <p className="error" role="alert" id={id}>
          {t('analysis.problems.identityForbidden')}
        </p>
      );
    return <ErrorMessage error={error} />;
  }
  const label = labels[p.field] ?? p.field;
  return (
    <p className="error" role="alert" id={id} data-field={p.field}>
      {t('analysis.problems.field', { field: label })}{' '}
      {p.key ? (
        t(`analysis.problems.${p.key}`, p.values)
      ) : (
        <span lang="en" dir="ltr" translate="no">
          {p.raw}
        </span>
      )}
    </p>
  );
}
