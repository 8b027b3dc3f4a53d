/**
 * strings.ts — the upload screen's failure sentences (i18n/{en,ar}-upload.ts), added to i18next
 * when the upload screen's chunk loads, so they stay out of the first visit's JavaScript
 * (bench/web.ts). Both languages at once: switching needs no further download.
 */
import i18next from 'i18next';
import { arUpload } from '../i18n/ar-upload.js';
import { enUpload } from '../i18n/en-upload.js';

i18next.addResourceBundle('en', 'translation', enUpload, true, false);
i18next.addResourceBundle('ar', 'translation', arUpload, true, false);
