/**
 * table-scroll.tsx — a table that scrolls inside its card when it is wider than the screen (a
 * phone at 360 px), so the page itself never scrolls sideways. The region is focusable and named
 * so that keyboard users can scroll it too (WCAG 2.1.1).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function TableScroll({ name, children }: { name: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section className="table-scroll" aria-label={t('dashboard.tableOf', { name })} tabIndex={0}>
      {children}
    </section>
  );
}
