import { useState } from 'react';
import type { Device } from '../../../app/route-types.js';
import { api } from '../../../app/api.js';
import { ConfirmAction } from '../../../ui/confirm-action.js';

/** Reboot in the device header: a confirmation naming the device, then a `reboot` command that waits for it. */
export function RebootButton({ device, onSent }: { device: Device; onSent(): void }) {
  const [sent, setSent] = useState(false);
  return (
    <>
      <ConfirmAction
        label="Reboot…"
        data-mutates=""
        spec={{
          title: `Reboot ${device.name}?`,
          body: (
            <p>
              <strong>{device.name}</strong> ({device.id}) restarts and is offline for a short while; connections
              through it drop.{' '}
              {device.presence === 'online' ? '' : 'It is offline now: the command waits for it until it times out.'}
            </p>
          ),
          confirmLabel: `Reboot ${device.name}`,
          run: () => api.devices.command(device.id, 'reboot', { timeoutS: 300 }),
          onDone: () => {
            setSent(true);
            onSent();
          },
        }}
      />
      {sent ? (
        <span className="muted" role="status">
          Reboot sent; see the Commands tab for its answer.
        </span>
      ) : null}
    </>
  );
}
