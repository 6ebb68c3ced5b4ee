import type {
  ACCESS_ROUTES,
  ALERTS_ROUTES,
  AUTOMATIONS_ROUTES,
  NOTIFICATIONS_ROUTES,
  UPDATES_ROUTES,
  USERS_ROUTES,
} from '@outpost/protocol';
import type { RouteResponse } from './use-route.js';

// The records pages show, named from what the route table says their list routes answer: a page
// holding one takes its type from here, so it cannot drift from the route it was loaded by.
type ItemOf<R extends { readonly id: string }> = RouteResponse<R> extends { items: Array<infer T> } ? T : never;

export type User = ItemOf<typeof USERS_ROUTES.listUsers>;
export type AccessPolicy = ItemOf<typeof ACCESS_ROUTES.policies>;
export type AlertRule = ItemOf<typeof ALERTS_ROUTES.rules>;
export type NotificationChannel = ItemOf<typeof NOTIFICATIONS_ROUTES.channels>;
export type RolloutRecord = ItemOf<typeof UPDATES_ROUTES.rollouts>;
export type Schedule = ItemOf<typeof AUTOMATIONS_ROUTES.schedules>;
