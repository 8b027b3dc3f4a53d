/**
 * strings.ts — the strings of cases, RFAs and the redaction tool, added to i18next when a screen
 * that needs them is first loaded (every cases screen and the item page import this module), so
 * that they stay out of the first visit's JavaScript (its budget: bench/web.ts). Both languages
 * are added at once: switching language needs no further download.
 */
import i18next from 'i18next';
import { arCases } from '../i18n/ar-cases.js';
import { enCases } from '../i18n/en-cases.js';

i18next.addResourceBundle('en', 'translation', enCases, true, false);
i18next.addResourceBundle('ar', 'translation', arCases, true, false);
