/** grant-text.tsx — a grant in words ("Monitor in aleppo"), the compartment (data) kept out of translation. */
import { useTranslation } from 'react-i18next';

/** GrantText says "Monitor in aleppo", the compartment (data) kept out of translation. */
export function GrantText({ role, compartment }: { role: string; compartment: string }) {
  const { t } = useTranslation();
  if (compartment === '*')
    return <>{t('nav.roleIn', { role: t(`roles.${role}`), compartment: t('nav.everywhere') })}</>;
  const [before, after] = t('nav.roleIn', { role: t(`roles.${role}`), compartment: '\u0000' }).split(
    '\u0000',
  );
  return (
    <>
      {before}
      <bdi translate="no">{compartment}</bdi>
      {after}
    </>
  );
}
