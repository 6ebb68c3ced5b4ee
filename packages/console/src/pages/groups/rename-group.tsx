import { useState } from 'react';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

/** Renames a group with its subgroups and every reference to them (admins). */
export function RenameGroup({ path, onRenamed }: { path: string; onRenamed(to: string): void }) {
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState(path);
  const [otp, setOtp] = useState('');
  const act = useAction();
  async function rename() {
    const r = await act.perform(() => api.groups.rename(path, to.trim(), otp.trim() || undefined));
    if (!r) return;
    setOpen(false);
    onRenamed(r.to);
  }
  return (
    <>
      <button type="button" data-mutates="" onClick={() => setOpen(true)}>
        Rename…
      </button>
      <Dialog
        title={`Rename group ${path}`}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={() => void rename()}
        submitLabel="Rename group"
        busy={act.busy}
      >
        <div className="field">
          <label htmlFor="group-new-path">New path</label>
          <input id="group-new-path" value={to} onChange={(e) => setTo(e.target.value)} required autoFocus />
          <div className="hint">
            Its subgroups move with it; user scopes, enrollment tokens, policies, templates, open rollouts, alert rules,
            saved views and automations that name it are rewritten at once, or nothing is.
          </div>
        </div>
        <div className="field">
          <label htmlFor="group-rename-otp">Authenticator code (if asked)</label>
          <input id="group-rename-otp" value={otp} onChange={(e) => setOtp(e.target.value)} inputMode="numeric" />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}
