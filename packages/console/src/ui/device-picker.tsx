import { useId } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { useRoute } from '../app/use-route.js';

/**
 * A device id typed in full, with the first devices of the inventory offered as suggestions
 * (a large fleet is not listed whole; any id can still be typed).
 */
export function DevicePicker({
  id,
  value,
  onChange,
  disabled,
  autoFocus,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const listId = useId();
  const devices = useRoute(DEVICES_ROUTES.list, { query: { limit: 500 } });
  return (
    <>
      <input
        id={id}
        className="mono"
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        disabled={disabled}
        autoFocus={autoFocus}
        autoComplete="off"
        spellCheck={false}
      />
      <datalist id={listId}>
        {(devices.data?.items ?? []).map((d) => (
          <option key={d.id} value={d.id}>
            {d.name !== d.id ? d.name : undefined}
          </option>
        ))}
      </datalist>
    </>
  );
}
