import { useState } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { isApiError } from '../../app/api.js';
import { num } from '../../app/format.js';
import { loadRoute } from '../../app/use-route.js';
import { Field } from '../../ui/bits.js';
import { FilterBar, type FilterProblem } from '../devices/filter-bar.js';
import { messageAt, messageWithin, type AutomationDraft, type FieldProblem } from './automation-draft.js';

function filterProblemOf(err: unknown): FilterProblem | null {
  if (!isApiError(err, 'filter_syntax') && !isApiError(err, 'filter_unknown_field')) return null;
  const d = err.details ?? {};
  return {
    message: err.message,
    position: typeof d.position === 'number' ? d.position : 0,
    length: typeof d.length === 'number' ? d.length : undefined,
  };
}

type TargetPart = Pick<AutomationDraft, 'targetKind' | 'group' | 'filter'>;

/**
 * The devices a run acts on. A filter is checked by the hub when it is applied (the devices
 * page's filter bar, with the mistake marked where it is) and the devices it matches now are counted.
 */
export function TargetFields({
  value,
  onChange,
  problem,
  groups,
  deviceTrigger,
}: {
  value: TargetPart;
  onChange(v: TargetPart): void;
  problem: FieldProblem | null;
  groups: string[];
  /** The trigger names a device, so "the triggering device" is a choice. */
  deviceTrigger: boolean;
}) {
  const [filterProblem, setFilterProblem] = useState<FilterProblem | null>(null);
  const [matching, setMatching] = useState<number | null>(null);
  const set = (patch: Partial<TargetPart>) => onChange({ ...value, ...patch });

  async function applyFilter(f: string) {
    set({ filter: f });
    setMatching(null);
    setFilterProblem(null);
    if (!f) return;
    try {
      const page = await loadRoute(DEVICES_ROUTES.list, { query: { filter: f, limit: 1, count: true } });
      setMatching(page.total ?? 0);
    } catch (err) {
      setFilterProblem(
        filterProblemOf(err) ?? { message: err instanceof Error ? err.message : String(err), position: 0 },
      );
    }
  }

  const section = messageWithin(problem, '/target', ['/target/group', '/target/filter']);
  return (
    <section className="card" aria-labelledby="target-h">
      <h2 id="target-h">Target</h2>
      <fieldset className="radios">
        <legend>Acts on</legend>
        {deviceTrigger ? (
          <label>
            <input
              type="radio"
              name="target-kind"
              checked={value.targetKind === 'trigger_device'}
              onChange={() => set({ targetKind: 'trigger_device' })}
            />{' '}
            The device that triggered it
          </label>
        ) : null}
        <label>
          <input
            type="radio"
            name="target-kind"
            checked={value.targetKind === 'group'}
            onChange={() => set({ targetKind: 'group' })}
          />{' '}
          A group
        </label>
        <label>
          <input
            type="radio"
            name="target-kind"
            checked={value.targetKind === 'filter'}
            onChange={() => set({ targetKind: 'filter' })}
          />{' '}
          Every device a filter matches
        </label>
      </fieldset>
      {value.targetKind === 'group' ? (
        <Field label="Target group" error={messageAt(problem, '/target/group')}>
          {(id) => (
            <select id={id} value={value.group} onChange={(e) => set({ group: e.target.value })}>
              <option value="">Choose…</option>
              {groups.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {value.targetKind === 'filter' ? (
        <>
          <FilterBar applied={value.filter} problem={filterProblem} onApply={(f) => void applyFilter(f)} />
          {matching !== null ? (
            <p className="hint" data-testid="filter-matches">
              {num(matching)} device{matching === 1 ? '' : 's'} match now.
            </p>
          ) : null}
          {messageAt(problem, '/target/filter') ? (
            <div className="field-error" role="alert">
              {messageAt(problem, '/target/filter')}
            </div>
          ) : null}
        </>
      ) : null}
      {section ? (
        <div className="field-error" role="alert">
          {section}
        </div>
      ) : null}
    </section>
  );
}
