/**
 * conflicts-strings.ts — the conflicting-reports screen's strings (i18n/{en,ar}-conflicts.ts),
 * added to i18next when that screen's chunk loads, so they stay out of the first visit's
 * JavaScript (bench/web.ts). Both languages at once: switching needs no further download.
 */
import i18next from 'i18next';
import { arConflicts } from '../i18n/ar-conflicts.js';
import { enConflicts } from '../i18n/en-conflicts.js';

i18next.addResourceBundle('en', 'translation', enConflicts, true, false);
i18next.addResourceBundle('ar', 'translation', arConflicts, true, false);
