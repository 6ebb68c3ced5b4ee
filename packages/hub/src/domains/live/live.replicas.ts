import type { ReplicaChannel } from '../../platform/replica-channel.js';
import type { LiveService } from './live.service.js';

/** What one replica tells the others' live streams; details are read from the shared database. */
type LiveChange = { k: 'rollout'; id: string } | { k: 'alerts' };

type LiveChanges = Pick<LiveService, 'rolloutChanged' | 'alertsChanged'>;

const ID = /^[\x21-\x7e]{1,200}$/;

/** A message from another replica, if it is one this hub understands. */
export function parseLiveChange(m: unknown): LiveChange | null {
  if (typeof m !== 'object' || m === null) return null;
  const c = m as Record<string, unknown>;
  if (c.k === 'alerts') return { k: 'alerts' };
  if (typeof c.id !== 'string' || !ID.test(c.id)) return null;
  if (c.k === 'rollout') return { k: 'rollout', id: c.id };
  return null;
}

/**
 * Rollout and alert changes happen on the one replica running that background work; consoles on
 * every replica show them. (Presence needs no sharing: every replica follows each device's
 * retained status on the brokers and sees it come and go itself.) Changes seen on this replica go
 * to its own streams at once and to the other replicas through
 * the channel; theirs come in and go to this replica's streams. Each stream hears each change
 * once: a replica never receives its own messages back. After the channel was cut, the open
 * alert counts are re-sent (presence counts are re-read on their own every few seconds).
 */
export function shareLiveChanges(live: LiveChanges, replicas: ReplicaChannel | undefined): LiveChanges {
  if (!replicas) return live;
  replicas.subscribe((m) => {
    const c = parseLiveChange(m);
    if (c?.k === 'rollout') live.rolloutChanged(c.id);
    else if (c?.k === 'alerts') live.alertsChanged();
  });
  replicas.onResync(() => live.alertsChanged());
  return {
    rolloutChanged(id) {
      live.rolloutChanged(id);
      replicas.publish({ k: 'rollout', id } satisfies LiveChange);
    },
    alertsChanged() {
      live.alertsChanged();
      replicas.publish({ k: 'alerts' } satisfies LiveChange);
    },
  };
}
