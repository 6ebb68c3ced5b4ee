import { absolute } from '../app/format.js';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useLocation } from '../app/router.js';
import { NAV, activeItem } from '../app/nav.js';
import { roleAtLeast, useSession } from '../app/session.js';
import { useLive } from '../app/live.js';

function LiveIndicator() {
  const { connected } = useLive();
  return (
    <span
      className={`live ${connected ? 'live-on' : 'live-off'}`}
      role="status"
      title={
        connected ? 'Counts, presence, rollouts and alerts update as they change' : 'Live updates paused; reconnecting'
      }
    >
      <span className="live-dot" aria-hidden="true" />
      {connected ? 'Live' : 'Reconnecting'}
    </span>
  );
}

function ExpiryBanner({ expiresAt }: { expiresAt: string | null }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, []);
  if (!expiresAt) return null;
  const left = Date.parse(expiresAt) - now;
  if (left > 10 * 60_000) return null;
  return (
    <div className="notice notice-warn banner" role="status">
      Your session ends in {Math.max(0, Math.ceil(left / 60_000))} min. Save what you are doing; you will be asked to
      sign in again.
    </div>
  );
}

/** The frame of every signed-in page: top bar, grouped navigation, main region. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const active = activeItem(path);
  useEffect(() => setMenuOpen(false), [path]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="nav-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <Link to="/" className="brand" aria-label="Outpost dashboard">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Outpost
        </Link>
        <div className="topbar-right">
          <LiveIndicator />
          <Link
            to="/account"
            className="whoami"
            title={session.expiresAt ? `Session ends ${absolute(session.expiresAt)}` : 'Your account'}
          >
            {session.user.username} <span className="role">{session.user.role}</span>
          </Link>
          <button type="button" className="secondary" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="sidebar" className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
        {NAV.map((section) => {
          const items = section.items.filter((i) => roleAtLeast(session.user.role, i.min));
          if (items.length === 0) return null;
          return (
            <div key={section.label} className="nav-section">
              <div className="nav-label">{section.label}</div>
              <ul>
                {items.map((i) => (
                  <li key={i.path}>
                    <Link to={i.path} aria-current={active === i.path ? 'page' : undefined}>
                      {i.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <main id="main" tabIndex={-1}>
        <ExpiryBanner expiresAt={session.expiresAt} />
        {children}
      </main>
    </div>
  );
}
