// The notifications domain's public face: sending messages through the operators' channels.
export type { NotificationsService } from './notifications.service.js';
export type { OutboxStore } from './outbox.store.js';
