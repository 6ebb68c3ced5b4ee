import { useState } from 'react';
import { GROUPS_ROUTES, parseAccessTarget } from '@outpost/protocol';
import type { AccessPolicy } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox } from '../../ui/bits.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { Dialog } from '../../ui/dialog.js';

type Requester = 'operator' | 'admin';
const REQUESTERS: Requester[] = ['operator', 'admin'];
const int = (v: string) => (/^\d{1,7}$/.test(v.trim()) ? Number(v) : null);

/** Targets as typed (spaces or commas between them), each checked with the hub's own grammar. */
function parseTargets(text: string): { ok: true; targets: string[] } | { ok: false; message: string } {
  const list = text.split(/[\s,]+/).filter(Boolean);
  if (list.length === 0) return { ok: false, message: 'Allow at least one target.' };
  const out: string[] = [];
  for (const t of list) {
    const r = parseAccessTarget(t);
    if (!r.ok) return { ok: false, message: `Target "${t.slice(0, 60)}": ${r.message}.` };
    out.push(r.text);
  }
  return { ok: true, targets: [...new Set(out)] };
}

/** Creates or changes an access policy (admins); name and devices are fixed once it exists. */
export function AccessPolicyDialog({
  policy,
  onClose,
  onSaved,
}: {
  policy: AccessPolicy | null;
  onClose(): void;
  onSaved(): void;
}) {
  const [name, setName] = useState(policy?.name ?? '');
  const [scope, setScope] = useState<'device' | 'group'>(policy?.deviceId ? 'device' : 'group');
  const [deviceId, setDeviceId] = useState(policy?.deviceId ?? '');
  const [group, setGroup] = useState(policy?.group ?? '');
  const [targets, setTargets] = useState(policy?.targets.join(' ') ?? 'console');
  const [roles, setRoles] = useState<Requester[]>(
    policy?.roles.filter((r): r is Requester => r !== 'viewer') ?? REQUESTERS,
  );
  const [maxMin, setMaxMin] = useState(String(Math.round((policy?.maxDurationS ?? 3600) / 60)));
  const [requireReason, setRequireReason] = useState(policy?.requireReason ?? true);
  const [requireApproval, setRequireApproval] = useState(policy?.requireApproval ?? false);
  const [mfa, setMfa] = useState(policy ? policy.mfaMaxAgeS !== null : true);
  const [mfaAge, setMfaAge] = useState(String(policy?.mfaMaxAgeS ?? 300));
  const [concurrent, setConcurrent] = useState(String(policy?.maxConcurrent ?? 1));
  const [captureTcp, setCaptureTcp] = useState(policy?.captureTcp ?? false);
  const [inputError, setInputError] = useState<string | null>(null);
  const groups = useRoute(GROUPS_ROUTES.list);
  const act = useAction();

  async function save() {
    const t = parseTargets(targets);
    if (!t.ok) return setInputError(t.message);
    const [minutes, age, limit] = [maxMin, mfaAge, concurrent].map(int);
    if (minutes === null || minutes < 1 || minutes > 7 * 24 * 60)
      return setInputError('The longest session is 1 minute to 7 days (10080 minutes).');
    if (mfa && (age === null || age < 10 || age > 86_400))
      return setInputError('A second-factor proof stays fresh for 10 to 86400 seconds.');
    if (limit === null || limit < 1 || limit > 100) return setInputError('Sessions at once: 1 to 100.');
    if (roles.length === 0) return setInputError('Let operators, admins or both request sessions.');
    setInputError(null);
    const fields = {
      targets: t.targets,
      roles,
      maxDurationS: minutes * 60,
      requireReason,
      requireApproval,
      mfaMaxAgeS: mfa ? age : null,
      maxConcurrent: limit,
      captureTcp,
    };
    const where = scope === 'device' ? { deviceId: deviceId.trim() } : { group: group.trim() };
    const body = { name: name.trim(), ...where, ...fields };
    const r = await act.perform(() =>
      policy ? api.access.updatePolicy(policy.id, fields) : api.access.createPolicy(body),
    );
    if (r) onSaved();
  }

  const toggleRole = (r: Requester, on: boolean) => setRoles((cur) => (on ? [...cur, r] : cur.filter((x) => x !== r)));
  return (
    <Dialog
      title={policy ? `Edit access policy ${policy.name}` : 'New access policy'}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel={policy ? 'Save policy' : 'Create policy'}
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="ap-name">Name</label>
          <input
            id="ap-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            disabled={!!policy}
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
            autoFocus
            aria-describedby="ap-name-hint"
          />
          <div className="hint" id="ap-name-hint">
            Lowercase letters, digits, ".", "_" and "-".
          </div>
        </div>
        <fieldset className="radios">
          <legend>Devices</legend>
          <label>
            <input
              type="radio"
              name="ap-scope"
              checked={scope === 'group'}
              disabled={!!policy}
              onChange={() => setScope('group')}
            />{' '}
            A group and its subgroups
          </label>
          <label>
            <input
              type="radio"
              name="ap-scope"
              checked={scope === 'device'}
              disabled={!!policy}
              onChange={() => setScope('device')}
            />{' '}
            One device (wins over group policies)
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="ap-where">{scope === 'device' ? 'Device' : 'Group'}</label>
          {scope === 'device' ? (
            <DevicePicker id="ap-where" value={deviceId} onChange={setDeviceId} disabled={!!policy} />
          ) : (
            <select id="ap-where" value={group} onChange={(e) => setGroup(e.target.value)} required disabled={!!policy}>
              <option value="">Choose…</option>
              {(groups.data?.items ?? []).map((g) => (
                <option key={g.id} value={g.path}>
                  {g.path}
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="field">
          <label htmlFor="ap-targets">Targets</label>
          <input
            id="ap-targets"
            className="mono"
            value={targets}
            onChange={(e) => setTargets(e.target.value)}
            required
            aria-describedby="ap-targets-hint"
          />
          <div className="hint" id="ap-targets-hint">
            console, serial:&lt;port&gt;, tcp:&lt;port&gt; or tcp:&lt;host&gt;:&lt;port&gt;, separated by spaces. One
            service each: no subnets or wildcards.
          </div>
        </div>
        <fieldset className="radios">
          <legend>Who may request a session</legend>
          {REQUESTERS.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={roles.includes(r)} onChange={(e) => toggleRole(r, e.target.checked)} />{' '}
              {r}s
            </label>
          ))}
        </fieldset>
        <fieldset className="radios">
          <legend>Conditions</legend>
          <label className="check">
            <input type="checkbox" checked={requireReason} onChange={(e) => setRequireReason(e.target.checked)} /> A
            reason is required
          </label>
          <label className="check">
            <input type="checkbox" checked={requireApproval} onChange={(e) => setRequireApproval(e.target.checked)} /> A
            second person approves each session
          </label>
          <label className="check">
            <input type="checkbox" checked={captureTcp} onChange={(e) => setCaptureTcp(e.target.checked)} /> Keep a
            packet capture of TCP sessions
          </label>
          <label className="check">
            <input type="checkbox" checked={mfa} onChange={(e) => setMfa(e.target.checked)} /> Ask for a fresh second
            factor
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="ap-max">Longest session (minutes)</label>
          <input id="ap-max" inputMode="numeric" value={maxMin} onChange={(e) => setMaxMin(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="ap-concurrent">Sessions at once</label>
          <input
            id="ap-concurrent"
            inputMode="numeric"
            value={concurrent}
            onChange={(e) => setConcurrent(e.target.value)}
            required
          />
        </div>
        {mfa ? (
          <div className="field">
            <label htmlFor="ap-mfa-age">Second factor proved within (seconds)</label>
            <input id="ap-mfa-age" inputMode="numeric" value={mfaAge} onChange={(e) => setMfaAge(e.target.value)} />
          </div>
        ) : (
          <div className="notice notice-warn">
            Without a fresh second factor, a stolen session is enough to reach these devices.
          </div>
        )}
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error ?? groups.error} />
    </Dialog>
  );
}
