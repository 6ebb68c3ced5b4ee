import { useState, type ReactNode } from 'react';
import type { Device } from '../../../app/route-types.js';
import { api } from '../../../app/api.js';
import { absolute, duration } from '../../../app/format.js';
import { Link, href, quote } from '../../../app/router.js';
import { useCan } from '../../../app/session.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox, Facts, Time } from '../../../ui/bits.js';
import { Dialog } from '../../../ui/dialog.js';
import { PresenceTimeline } from './presence-timeline.js';
import { HealthVerdict } from './health-verdict.js';
import { Certificates } from './certificates.js';
import { TagEditor } from './tag-editor.js';

function DangerZone({ device, onChanged }: { device: Device; onChanged(): void }) {
  const [mode, setMode] = useState<'revoke' | 'decommission' | null>(null);
  const [reason, setReason] = useState('');
  const act = useAction();
  async function run() {
    if (!reason.trim() || !mode) return;
    const r = await act.perform(() =>
      mode === 'revoke'
        ? api.devices.revoke(device.id, reason.trim())
        : api.devices.decommission(device.id, reason.trim()),
    );
    if (r) {
      setMode(null);
      onChanged();
    }
  }
  if (device.decommissioned)
    return <p className="notice notice-warn">This device is decommissioned: it can no longer connect.</p>;
  return (
    <section className="card danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Certificate and retirement</h2>
      <div className="row">
        <button type="button" className="danger-outline" data-mutates="" onClick={() => setMode('revoke')}>
          Revoke certificate…
        </button>
        <button type="button" className="danger-outline" data-mutates="" onClick={() => setMode('decommission')}>
          Decommission…
        </button>
      </div>
      <Dialog
        title={mode === 'revoke' ? 'Revoke the certificate' : 'Decommission the device'}
        open={mode !== null}
        onClose={() => setMode(null)}
        onSubmit={() => void run()}
        submitLabel={mode === 'revoke' ? 'Revoke and disconnect' : 'Decommission'}
        danger
        busy={act.busy}
      >
        <p>
          {mode === 'revoke'
            ? `${device.name} is disconnected at once and refused until it enrolls again with a new token.`
            : `${device.name} is disconnected at once and can never connect again under this id.`}
        </p>
        <div className="field">
          <label htmlFor="danger-reason">Reason (kept in the audit log)</label>
          <input
            id="danger-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            maxLength={512}
            autoFocus
          />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </section>
  );
}

export function OverviewPanel({ device, version, onChanged }: { device: Device; version: number; onChanged(): void }) {
  const can = useCan();
  const hello = device.health;
  const rows: Array<[string, ReactNode]> = [
    ['Device id', <code key="id">{device.id}</code>],
    ['Serial', device.serial ?? '–'],
    [
      'Model',
      device.model ? (
        <Link to={href('/devices', { filter: `model = ${quote(device.model)}` })}>{device.model}</Link>
      ) : (
        '–'
      ),
    ],
    [
      'Firmware',
      device.firmware ? (
        <Link to={href('/devices', { filter: `firmware = ${quote(device.firmware)}` })}>{device.firmware}</Link>
      ) : (
        '–'
      ),
    ],
    ['Agent', device.agentVersion ?? '–'],
    ['Address', device.ip ?? '–'],
    ['Location', device.location ?? '–'],
    ['Enrolled', absolute(device.enrolledAt)],
    ['Last seen', <Time key="seen" iso={device.lastSeenAt} />],
    ['Certificate expires', <Time key="cert" iso={device.certExpiresAt} />],
    [
      'Groups',
      device.groups.length ? (
        <span className="pills">
          {device.groups.map((g) => (
            <Link key={g} className="pill" to={href('/devices', { filter: `group = ${quote(g)}` })}>
              {g}
            </Link>
          ))}
        </span>
      ) : (
        '–'
      ),
    ],
  ];
  return (
    <div className="stack">
      <div className="grid-2">
        <section className="card" aria-labelledby="identity-title">
          <h2 id="identity-title">Identity</h2>
          <Facts rows={rows} />
          <h3>Tags</h3>
          {can('operator') ? (
            <TagEditor device={device} onChanged={onChanged} />
          ) : Object.keys(device.tags).length ? (
            <ul className="pills">
              {Object.entries(device.tags).map(([k, v]) => (
                <li key={k} className="pill">
                  {k}={v}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No tags.</p>
          )}
        </section>
        <div className="stack">
          <PresenceTimeline deviceId={device.id} version={version} />
          <HealthVerdict deviceId={device.id} version={version} />
          {hello ? (
            <section className="card" aria-labelledby="latest-title">
              <h2 id="latest-title">Latest health report</h2>
              <dl className="facts compact">
                {(['cpuPct', 'memUsedPct', 'diskUsedPct', 'temperatureC', 'signalDbm', 'uptimeS'] as const).map((k) =>
                  typeof hello[k] === 'number' ? (
                    <div key={k}>
                      <dt>
                        {
                          {
                            cpuPct: 'CPU',
                            memUsedPct: 'Memory',
                            diskUsedPct: 'Disk',
                            temperatureC: 'Temperature',
                            signalDbm: 'Signal',
                            uptimeS: 'Uptime',
                          }[k]
                        }
                      </dt>
                      <dd>
                        {k === 'uptimeS'
                          ? duration(hello[k] as number)
                          : `${hello[k] as number}${k.endsWith('Pct') ? ' %' : k === 'temperatureC' ? ' °C' : ' dBm'}`}
                      </dd>
                    </div>
                  ) : null,
                )}
              </dl>
            </section>
          ) : null}
        </div>
      </div>
      <Certificates deviceId={device.id} version={version} />
      {can('admin') ? <DangerZone device={device} onChanged={onChanged} /> : null}
    </div>
  );
}
