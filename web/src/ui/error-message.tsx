/** error-message.tsx — an API error in words the user can act on, announced to screen readers. */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';

/** errorText turns any thrown value into a translated sentence. */
export function useErrorText(): (err: unknown) => string {
  const { t } = useTranslation();
  return (err) => {
    if (err instanceof ApiError) {
      if (err.isNetwork) return t('errors.network');
      if (err.status === 403) return t('errors.forbidden');
      if (err.status === 404) return t('errors.notFound');
      return t('errors.generic', { code: err.type });
    }
    return t('errors.generic', { code: err instanceof Error ? err.name : 'error' });
  };
}

export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText();
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert">
      {text(error)}
    </p>
  );
}
