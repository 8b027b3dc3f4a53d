/**
 * names.ts — the name of a place or an operation in the UI language: its Arabic name on the
 * Arabic UI when it has one, else the name as recorded.
 */
import { useTranslation } from 'react-i18next';

export interface Named {
  readonly name: string;
  readonly nameAr?: string | null;
}

export function useLocalName(): (thing: Named) => string {
  const { i18n } = useTranslation();
  return (thing) => (i18n.language === 'ar' && thing.nameAr ? thing.nameAr : thing.name);
}
