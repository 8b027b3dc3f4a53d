/**
 * strings.ts — the search screen's strings, added to i18next when the screen is first loaded
 * (search-screen.tsx imports this module; its lazy map chunk comes after it), so that they stay
 * out of the first visit's JavaScript (its budget: bench/web.ts). Both languages at once:
 * switching needs no further download.
 */
import i18next from 'i18next';
import { arSearch } from '../i18n/ar-search.js';
import { enSearch } from '../i18n/en-search.js';

i18next.addResourceBundle('en', 'translation', enSearch, true, false);
i18next.addResourceBundle('ar', 'translation', arSearch, true, false);
