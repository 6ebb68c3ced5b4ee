import type { ReactNode } from 'react';
import type { AsyncState } from '../app/use-async.js';
import { ErrorBox, Loading } from './bits.js';

export interface AsyncBlockProps<T> {
  /** What `useAsync` returns (or any value with data, error and loading). */
  state: Pick<AsyncState<T>, 'data' | 'error' | 'loading'>;
  children(data: T): ReactNode;
  /** Shown while the first answer is on its way. */
  loadingLabel?: string;
  errorTitle?: string;
}

/**
 * Loading until the first answer, the error when there is one, the content once there is data.
 * A reload keeps the last content on screen (no flash), with the error above it if the reload failed.
 */
export function AsyncBlock<T>({ state, children, loadingLabel, errorTitle }: AsyncBlockProps<T>) {
  return (
    <>
      <ErrorBox error={state.error} title={errorTitle} />
      {state.loading && state.data === undefined ? <Loading label={loadingLabel} /> : null}
      {state.data !== undefined ? children(state.data) : null}
    </>
  );
}
