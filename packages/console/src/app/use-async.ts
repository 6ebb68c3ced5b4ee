import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from './api.js';
import { reportUnauthenticated } from './session.js';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  /** Replaces the data in place (live updates, optimistic edits). */
  setData(update: (d: T | undefined) => T | undefined): void;
}

/** Runs `load` when `deps` change; stale answers from an earlier run are ignored. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => mine === run.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (mine !== run.current) return;
        if (isApiError(error, 'unauthenticated')) reportUnauthenticated();
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    // The caller lists what `load` reads in `deps`.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback(
    (update: (d: T | undefined) => T | undefined) => setState((s) => ({ ...s, data: update(s.data) })),
    [],
  );
  return { ...state, reload, setData };
}

/** Runs one mutation at a time and keeps its error for display. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const perform = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (err) {
      if (isApiError(err, 'unauthenticated')) reportUnauthenticated();
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, perform, clearError: () => setError(undefined) };
}
