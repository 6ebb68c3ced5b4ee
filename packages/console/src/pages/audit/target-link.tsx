import { Link, href } from '../../app/router.js';

/** `device:x` goes to the device; other targets to the audit records about them. */
export function TargetLink({ target }: { target: string }) {
  if (target.startsWith('device:')) return <Link to={`/devices/${encodeURIComponent(target.slice(7))}`}>{target}</Link>;
  return <Link to={href('/audit', { target })}>{target}</Link>;
}
