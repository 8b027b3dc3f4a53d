/**
 * use-live-operation.ts — one operation's view, kept current over Server-Sent Events
 * (`GET /api/ops/operations/:id/events`: observation, status, alert and totals events). Each
 * event schedules one re-read of the view (events arriving together cause one request), so the
 * screen always shows the server's own figures rather than figures patched on the client.
 * EventSource reconnects by itself and resumes with Last-Event-ID, also after the server ends a
 * stream at its maximum lifetime (`end`, reason `lifetime`). When the server ends it because the
 * access that opened it is gone (signed out, disabled, grant revoked: `end`, reason `access`),
 * the stream is closed for good and the view re-read, which shows what the session now allows.
 */
import { useEffect, useRef, useState } from 'react';
import type { OperationView } from '../api/types.js';
import { useApi } from '../api/use-api.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const EVENTS = ['observation', 'status', 'alert', 'totals'] as const;
/** Events within this many milliseconds are folded into one reload. */
const DEBOUNCE_MS = 150;

export function useLiveOperation(id: string) {
  const view = useApi<OperationView>(`/api/ops/operations/${encodeURIComponent(id)}`);
  const [live, setLive] = useState<LiveState>('connecting');
  const reloadRef = useRef(view.reload);
  reloadRef.current = view.reload;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void reloadRef.current();
      }, DEBOUNCE_MS);
    };
    const source = new EventSource(`/api/ops/operations/${encodeURIComponent(id)}/events`);
    let opened = false;
    source.onopen = () => {
      setLive('live');
      // After a reconnection, events may have been missed beyond the server's resume window.
      if (opened) schedule();
      opened = true;
    };
    source.onerror = () => setLive('reconnecting');
    for (const name of EVENTS) source.addEventListener(name, schedule);
    source.addEventListener('end', (event) => {
      const { reason } = JSON.parse((event as MessageEvent<string>).data) as { reason?: string };
      if (reason === 'lifetime') return; // EventSource reconnects with Last-Event-ID
      source.close();
      setLive('reconnecting');
      void reloadRef.current();
    });
    return () => {
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [id]);

  return { ...view, live };
}
