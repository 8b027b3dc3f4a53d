/**
 * strings.ts — the strings of the analysis screens, tags and notes, and saved searches, added to
 * i18next when a screen that needs them is first loaded (the analysis screens, the item page and
 * the search screen import this module), so that they stay out of the first visit's JavaScript
 * (its budget: bench/web.ts). Both languages at once: switching needs no further download.
 */
import i18next from 'i18next';
import { arAnalysis } from '../i18n/ar-analysis.js';
import { enAnalysis } from '../i18n/en-analysis.js';

i18next.addResourceBundle('en', 'translation', enAnalysis, true, false);
i18next.addResourceBundle('ar', 'translation', arAnalysis, true, false);
