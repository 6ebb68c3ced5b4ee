import { Link, href } from '../../app/router.js';
import type { Names } from '../../app/names.js';

/** `device:x` goes to the device (shown by its name); other targets to the audit records about them. */
export function TargetLink({ target, names }: { target: string; names?: Names }) {
  if (target.startsWith('device:')) {
    const id = target.slice(7);
    return (
      <Link to={`/devices/${encodeURIComponent(id)}`} title={target}>
        {names ? names.device(id) : target}
      </Link>
    );
  }
  const label = target.startsWith('user:') && names ? `user ${names.user(target.slice(5))}` : target;
  return (
    <Link to={href('/audit', { target })} title={target}>
      {label}
    </Link>
  );
}
