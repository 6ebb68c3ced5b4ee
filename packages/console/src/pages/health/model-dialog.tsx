import { useState } from 'react';
import type { HealthModel } from '@outpost/protocol';
import { api, isApiError } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { modelName, wherePath } from './health-text.js';
import { RuleRows, fromRow, invalidAt, toRow, type RuleRow } from './rule-rows.js';

/**
 * Sets the rules of one device model (new, or replacing the rules it has). The hub checks them;
 * what it refuses is shown here with the rule and field it is about, and nothing is saved.
 */
export function ModelDialog({
  model,
  metrics,
  known,
  onClose,
  onSaved,
}: {
  model: HealthModel | null;
  metrics: string[];
  known: { configured: string[]; inFleet: string[] };
  onClose(): void;
  onSaved(): void;
}) {
  const [name, setName] = useState(model?.model ?? '');
  const [rows, setRows] = useState<RuleRow[]>(
    model ? model.rules.map(toRow) : [{ metric: metrics[0] ?? 'cpuPct', op: '>', warning: '', error: '' }],
  );
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  const details = isApiError(act.error, 'validation_failed') ? act.error.details : undefined;
  const where = wherePath(details?.path);
  const invalid = invalidAt(details?.path);
  const trimmed = name.trim();
  const replaces = !model && known.configured.includes(trimmed);

  async function save() {
    if (!trimmed) return setInputError('Name the device model, e.g. gw-300.');
    setInputError(null);
    const saved = await act.perform(() => api.health.setModel(trimmed, rows.map(fromRow)));
    if (saved) onSaved();
  }

  const title = model
    ? model.model === '*'
      ? 'Rules of the default health model'
      : `Rules of ${model.model}`
    : 'New health model';
  return (
    <Dialog
      title={title}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel={model ? 'Save rules' : 'Create health model'}
      busy={act.busy}
      wide
    >
      {model ? (
        <p className="muted">
          {model.model === '*'
            ? 'Devices of every model without a health model of its own are judged by these rules.'
            : `Devices of model ${model.model} are judged by these rules instead of the default ones.`}
        </p>
      ) : (
        <div className="field">
          <label htmlFor="hm-model">Device model</label>
          <input
            id="hm-model"
            value={name}
            onChange={(e) => setName(e.target.value)}
            list="hm-models"
            maxLength={128}
            required
            autoComplete="off"
            aria-invalid={details?.path === '/model' || undefined}
            aria-describedby="hm-model-hint"
          />
          <datalist id="hm-models">
            {known.inFleet
              .filter((m) => !known.configured.includes(m))
              .map((m) => (
                <option key={m} value={m} />
              ))}
          </datalist>
          <div className="hint" id="hm-model-hint">
            {replaces
              ? `${trimmed} has a health model already: saving replaces its rules.`
              : 'As devices report it, e.g. gw-300. Its devices are judged by these rules instead of the default ones.'}
          </div>
        </div>
      )}
      <RuleRows rows={rows} metrics={metrics} onChange={setRows} invalid={invalid} />
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error} title={where} />
    </Dialog>
  );
}

/** Removes a model's own rules: its devices fall back to the default model (or `*` to the built-in rules). */
export function RemoveModelDialog({ model, onClose, onDone }: { model: HealthModel; onClose(): void; onDone(): void }) {
  const act = useAction();
  return (
    <Dialog
      title={`Remove the health model of ${modelName(model.model)}`}
      open
      onClose={onClose}
      danger
      submitLabel="Remove health model"
      busy={act.busy}
      onSubmit={() =>
        void act.perform(() => api.health.removeModel(model.model).then(() => true)).then((r) => r && onDone())
      }
    >
      <p>
        {model.model === '*'
          ? 'Devices of every model without its own health model fall back to the rules built into the hub.'
          : `Devices of model ${model.model} fall back to the default health model.`}
      </p>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}
