/** use-api.ts — load one API resource into component state, with reload. */
import { useCallback, useEffect, useState } from 'react';
import { api } from './client.js';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): Promise<void>;
}

/** useApi GETs `path` (null: nothing yet) and returns the body, the error and a reload. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);

  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      const body = await api<T>('GET', path);
      setData(body);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setLoading(path !== null);
    void reload();
  }, [reload, path]);

  return { data, error, loading, reload };
}
