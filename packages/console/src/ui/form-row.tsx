import type { ReactNode } from 'react';
import { GROUPS_ROUTES } from '@outpost/protocol';
import { useRoute } from '../app/use-route.js';
import { ErrorBox } from './bits.js';

/** One labelled input of a `form-grid`; `wide` spans both columns. */
export function FormRow({
  id,
  label,
  wide,
  children,
}: {
  id: string;
  label: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'field span-2' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/** The foot of a form: what the form itself refused (`inputError`), then what the hub answered. */
export function FormProblems({ inputError, error }: { inputError: string | null; error: unknown }) {
  return (
    <>
      {inputError ? (
        <div className="notice notice-error span-2" role="alert">
          {inputError}
        </div>
      ) : null}
      <div className="span-2">
        <ErrorBox error={error} />
      </div>
    </>
  );
}

/** A select of the fleet's groups by path; `staticOnly` offers only groups with member lists. */
export function GroupSelect({
  id,
  value,
  onChange,
  emptyLabel,
  required,
  staticOnly,
}: {
  id: string;
  value: string;
  onChange(path: string): void;
  emptyLabel: string;
  required?: boolean;
  staticOnly?: boolean;
}) {
  const groups = useRoute(GROUPS_ROUTES.list);
  const offered = (groups.data?.items ?? []).filter((g) => !staticOnly || g.kind === 'static');
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required={required}>
      <option value="">{emptyLabel}</option>
      {offered.map((g) => (
        <option key={g.id} value={g.path}>
          {g.path}
        </option>
      ))}
    </select>
  );
}
