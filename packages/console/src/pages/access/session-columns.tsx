import type { AccessSession } from '../../app/route-types.js';
import { duration, num } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { StateBadge, Time } from '../../ui/bits.js';
import type { Column } from '../../ui/data-table.js';

type C = Column<AccessSession>;

export const deviceColumn: C = {
  key: 'device',
  header: 'Device',
  cell: (s) => <Link to={`/devices/${encodeURIComponent(s.deviceId)}`}>{s.deviceId}</Link>,
};

export const targetColumn: C = { key: 'target', header: 'Target', cell: (s) => <code>{s.target}</code> };

export const whoColumn: C = {
  key: 'who',
  header: 'Who',
  cell: (s) => (
    <>
      {s.requestedBy}
      {s.reason ? <div className="muted small">“{s.reason}”</div> : null}
    </>
  ),
};

/** The session's state, with why it closed when `closed` is set. */
export const stateColumn = (withReason: boolean): C => ({
  key: 'state',
  header: 'State',
  cell: (s) => (
    <>
      <StateBadge state={s.state} />
      {withReason && s.closeReason ? <div className="muted small">{s.closeReason}</div> : null}
    </>
  ),
});

export const requestedColumn: C = { key: 'requested', header: 'Requested', cell: (s) => <Time iso={s.requestedAt} /> };
export const endedColumn: C = { key: 'ended', header: 'Ended', cell: (s) => <Time iso={s.endedAt} /> };

/** Bytes each way, and how long the session lasted when `lasted` is set. */
export const trafficColumn = (lasted: boolean): C => ({
  key: 'traffic',
  header: 'Traffic',
  className: 'small',
  cell: (s) =>
    `↓ ${num(s.bytesFromDevice)} B · ↑ ${num(s.bytesToDevice)} B` +
    (lasted && s.startedAt && s.endedAt
      ? ` · ${duration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}`
      : ''),
});
