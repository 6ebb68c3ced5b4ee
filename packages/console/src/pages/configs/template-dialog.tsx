import { useState } from 'react';
import type { ConfigTemplate, TemplateInput } from '@outpost/protocol';
import { api, describeError } from '../../app/api.js';
import { quote } from '../../app/router.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

export const targetFilter = (t: ConfigTemplate['target']) => ('group' in t ? `group = ${quote(t.group)}` : t.filter);

/** Name, target, policy and settings of a template; secrets stay masked (an unchanged mask keeps the value). */
export function TemplateDialog({
  template,
  onClose,
  onSaved,
}: {
  template: ConfigTemplate | null;
  onClose(): void;
  onSaved(name: string): void;
}) {
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [priority, setPriority] = useState(template?.priority ?? 100);
  const [policy, setPolicy] = useState<'report' | 'enforce'>(template?.policy ?? 'report');
  const [targetKind, setTargetKind] = useState<'group' | 'filter'>(
    template && 'filter' in template.target ? 'filter' : 'group',
  );
  const [target, setTarget] = useState(
    template ? ('group' in template.target ? template.target.group : template.target.filter) : '',
  );
  const [model, setModel] = useState(template?.model ?? '');
  const [settings, setSettings] = useState(
    JSON.stringify(template?.settings ?? { 'ntp.server': 'pool.ntp.org' }, null, 2),
  );
  const [comment, setComment] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  async function save() {
    let parsed: TemplateInput['settings'];
    try {
      parsed = JSON.parse(settings) as TemplateInput['settings'];
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    } catch (err) {
      return setInputError(`Settings must be a JSON object of key: value: ${describeError(err)}`);
    }
    setInputError(null);
    const body: TemplateInput = {
      name: name.trim(),
      description,
      priority,
      policy,
      target: targetKind === 'group' ? { group: target.trim() } : { filter: target.trim() },
      model: model.trim() || null,
      settings: parsed,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    };
    const r = await act.perform(() =>
      template ? api.templates.update(template.name, body).then((x) => x.template) : api.templates.create(body),
    );
    if (r) onSaved(r.name);
  }
  return (
    <Dialog
      title={template ? `Edit ${template.name}` : 'New template'}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel={template ? 'Save new version' : 'Create template'}
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="tpl-name">Name</label>
          <input
            id="tpl-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            disabled={!!template}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="tpl-priority">Priority (higher wins)</label>
          <input
            id="tpl-priority"
            type="number"
            value={priority}
            onChange={(e) => setPriority(Number(e.target.value))}
          />
        </div>
        <div className="field span-2">
          <label htmlFor="tpl-description">Description</label>
          <input id="tpl-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <fieldset className="radios">
          <legend>On drift</legend>
          <label>
            <input type="radio" name="tpl-policy" checked={policy === 'report'} onChange={() => setPolicy('report')} />{' '}
            Report it
          </label>
          <label>
            <input
              type="radio"
              name="tpl-policy"
              checked={policy === 'enforce'}
              onChange={() => setPolicy('enforce')}
            />{' '}
            Put the setting back
          </label>
        </fieldset>
        <fieldset className="radios">
          <legend>Applies to</legend>
          <label>
            <input
              type="radio"
              name="tpl-target"
              checked={targetKind === 'group'}
              onChange={() => setTargetKind('group')}
            />{' '}
            A group
          </label>
          <label>
            <input
              type="radio"
              name="tpl-target"
              checked={targetKind === 'filter'}
              onChange={() => setTargetKind('filter')}
            />{' '}
            Devices a filter matches
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="tpl-target">{targetKind === 'group' ? 'Group path' : 'Filter'}</label>
          <input
            id="tpl-target"
            className={targetKind === 'filter' ? 'mono' : undefined}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="tpl-model">Only model (optional)</label>
          <input id="tpl-model" value={model} onChange={(e) => setModel(e.target.value)} placeholder="any model" />
        </div>
        <div className="field span-2">
          <label htmlFor="tpl-settings">Settings (JSON; a secret is {'{ "$secret": "value" }'})</label>
          <textarea
            id="tpl-settings"
            className="mono"
            rows={8}
            value={settings}
            onChange={(e) => setSettings(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div className="field span-2">
          <label htmlFor="tpl-comment">Change note</label>
          <input id="tpl-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={512} />
        </div>
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error} />
    </Dialog>
  );
}
