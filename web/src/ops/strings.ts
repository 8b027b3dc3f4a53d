/**
 * strings.ts — the alerts' titles and sentences (i18n/{en,ar}-alerts.ts), added to i18next when
 * the dashboard's chunk is first loaded (alert-text.tsx, alerts-panel.tsx and attention-strip.tsx
 * import this module), so that they stay out of the first visit's JavaScript (its budget:
 * bench/web.ts). Both languages at once: switching needs no further download.
 */
import i18next from 'i18next';
import { arAlerts } from '../i18n/ar-alerts.js';
import { enAlerts } from '../i18n/en-alerts.js';

i18next.addResourceBundle('en', 'translation', enAlerts, true, false);
i18next.addResourceBundle('ar', 'translation', arAlerts, true, false);
