import { isApiError } from '../../app/api.js';
import type { FieldProblem } from './automation-draft.js';

/**
 * Where the hub says a refused document is wrong, as a pointer into the document: schema errors
 * name `body/steps/0/name`, the hub's own checks `/steps/0`.
 */
export function problemFromApi(err: unknown): FieldProblem | null {
  if (!isApiError(err)) return null;
  const raw = (err.details as { path?: unknown } | undefined)?.path;
  if (typeof raw !== 'string') return null;
  const path = raw.replace(/^body/, '') || '/';
  return { path: path.startsWith('/') ? path : `/${path}`, message: err.message };
}
