import type { Alert } from '../../app/route-types.js';
import { Link } from '../../app/router.js';
import { Time } from '../../ui/bits.js';
import type { Column } from '../../ui/data-table.js';
import { SeverityBadge } from './severity.js';

/** The alert list's columns; the device column only on the fleet-wide list. */
export function alertColumns(withDevice: boolean): Column<Alert>[] {
  const columns: Column<Alert>[] = [
    { key: 'severity', header: 'Severity', cell: (a) => <SeverityBadge severity={a.severity} /> },
    {
      key: 'alert',
      header: 'Alert',
      cell: (a) => (
        <>
          <div className="strong">{a.ruleName}</div>
          <div className="muted small">{a.text}</div>
        </>
      ),
    },
    {
      key: 'device',
      header: 'Device',
      cell: (a) => <Link to={`/devices/${encodeURIComponent(a.deviceId)}`}>{a.deviceName}</Link>,
    },
    { key: 'fired', header: 'Fired', cell: (a) => <Time iso={a.firedAt} /> },
    {
      key: 'state',
      header: 'State',
      cell: (a) => (
        <>
          {a.state}
          {a.flapping ? <span className="badge sev-warning">flapping</span> : null}
          {a.ackedBy ? (
            <div className="muted small">
              by {a.ackedBy}
              {a.ackNote ? `: “${a.ackNote}”` : ''}
            </div>
          ) : null}
        </>
      ),
    },
  ];
  return withDevice ? columns : columns.filter((c) => c.key !== 'device');
}
