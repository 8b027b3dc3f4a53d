/**
 * index.ts — i18next with English and Arabic. The chosen language is kept in localStorage and
 * set on <html lang dir>, so the whole layout (logical CSS properties) flips right-to-left.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ar } from './ar.js';
import { en } from './en.js';

export const LANGUAGES = [
  { code: 'en', label: 'English', dir: 'ltr' },
  { code: 'ar', label: 'العربية', dir: 'rtl' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'attest.lang';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'ar') return stored;
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

function applyToDocument(lang: Language): void {
  const dir = LANGUAGES.find((l) => l.code === lang)?.dir ?? 'ltr';
  document.documentElement.lang = lang;
  document.documentElement.dir = dir;
}

/** initI18n starts i18next in the stored (or browser) language and mirrors it on <html>. */
export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: false,
    resources: { en: { translation: en }, ar: { translation: ar } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyToDocument(lng);
  i18next.on('languageChanged', (l) => applyToDocument(l === 'ar' ? 'ar' : 'en'));
}

/** setLanguage switches the UI language and remembers it on this device. */
export async function setLanguage(lang: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lang);
  await i18next.changeLanguage(lang);
}
