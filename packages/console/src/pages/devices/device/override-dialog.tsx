import { useState } from 'react';
import { api, isApiError } from '../../../app/api.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox, Field } from '../../../ui/bits.js';
import { Dialog } from '../../../ui/dialog.js';

/**
 * The value an operator typed, read as the CLI reads `key=value`: JSON first (true, 3, "text",
 * [..]). Text that is not JSON goes to the hub as text only when the device's model has a
 * settings schema, which then decides (a string setting takes it, `flase` for a boolean is
 * refused with the schema's own message); without a schema it is refused here, as the CLI does.
 */
export function overrideValue(key: string, raw: string, asText: boolean, modelHasSchema: boolean): unknown {
  if (asText) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    if (modelHasSchema) return raw;
    throw new Error(
      `${key}=${raw.slice(0, 80)}: the value is not JSON (true/false, a number, "text", [..], {..}); tick "as text" for text`,
    );
  }
}

/** Where the hub's refusal points inside the settings sent (`/settings/<key>…`), if it does. */
function atSetting(err: unknown): boolean {
  return isApiError(err) && typeof err.details?.path === 'string' && err.details.path.startsWith('/settings');
}

/** Adds or changes one device override; the hub's refusal of the value is shown at the value. */
export function OverrideDialog({
  deviceId,
  initial,
  modelHasSchema,
  onClose,
  onSaved,
}: {
  deviceId: string;
  /** The override being edited, or null to add one. */
  initial: { key: string; value: unknown } | null;
  modelHasSchema: boolean;
  onClose(): void;
  onSaved(): void;
}) {
  const [key, setKey] = useState(initial?.key ?? '');
  const [raw, setRaw] = useState(initial === null ? '' : JSON.stringify(initial.value));
  const [asText, setAsText] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useAction();

  async function submit() {
    setLocalError(null);
    const k = key.trim();
    if (!k) return setLocalError('name the setting');
    let value: unknown;
    try {
      value = overrideValue(k, raw, asText, modelHasSchema);
    } catch (err) {
      return setLocalError((err as Error).message);
    }
    const done = await save.perform(() => api.deviceConfig.setOverrides(deviceId, { [k]: value as never }));
    if (done) onSaved();
  }

  const valueError = localError ?? (atSetting(save.error) ? (save.error as Error).message : undefined);
  return (
    <Dialog
      title={initial ? `Change override ${initial.key}` : 'Add override'}
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      submitLabel="Save override"
      busy={save.busy}
    >
      <Field label="Setting">
        {(id) => (
          <input
            id={id}
            className="mono"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            readOnly={initial !== null}
            required
            maxLength={520}
            placeholder="ssh.enabled"
          />
        )}
      </Field>
      <Field
        label="Value"
        error={valueError}
        hint={`JSON: true, false, a number, "text", a list. The model's settings schema decides what is valid.`}
      >
        {(id) => <input id={id} className="mono" value={raw} onChange={(e) => setRaw(e.target.value)} required />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={asText} onChange={(e) => setAsText(e.target.checked)} /> Take the value as text
      </label>
      {save.error && !atSetting(save.error) ? <ErrorBox error={save.error} /> : null}
    </Dialog>
  );
}
