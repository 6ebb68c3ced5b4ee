import type { Role, ApiToken, EnrollmentToken, User } from '../api-types.js';
import type { AccessPolicy, MfaStatus } from '../access-api-types.js';
import type { AlertRule, NotificationChannel, NotificationMessage, ReportSchedule } from '../monitoring-messages.js';
import type { ComplianceSummary } from '../configs-api-types.js';
import type { HealthModelList } from '../health-api-types.js';
import type { CertificateAuthorityList } from '../pki-api-types.js';
import type { RolloutRecord } from '../updates-api-types.js';
import type { Schedule } from '../automations-api-types.js';

/** A response body's type, carried in the table at run time as an empty marker. */
export interface ResponseOf<T> {
  readonly body?: T;
}

const body = <T>(): ResponseOf<T> => Object.freeze({});

/**
 * What a route answers (status 2xx), by route id, for the routes whose answer is typed here; the
 * console's data hooks take their response types from this table, never name them themselves.
 */
export const ROUTE_RESPONSES = {
  'users.list': body<{ items: User[] }>(),
  'tokens.list': body<{ items: ApiToken[] }>(),
  'mfa.status': body<MfaStatus>(),
  'mfa.policy': body<Record<Role, boolean>>(),
  'enrollment.listTokens': body<{ items: EnrollmentToken[] }>(),
  'access.policies': body<{ items: AccessPolicy[] }>(),
  'alerts.rules': body<{ items: AlertRule[] }>(),
  'notifications.channels': body<{ items: NotificationChannel[] }>(),
  'notifications.deadLetters': body<{ items: NotificationMessage[] }>(),
  'compliance.summary': body<ComplianceSummary>(),
  'reports.schedules': body<{ items: ReportSchedule[] }>(),
  'health.models': body<HealthModelList>(),
  'pki.listCas': body<CertificateAuthorityList>(),
  'rollouts.list': body<{ items: RolloutRecord[] }>(),
  'schedules.list': body<{ items: Schedule[] }>(),
} as const;

/** Route ids whose response type the table knows. */
export type TypedRouteId = keyof typeof ROUTE_RESPONSES;

/** The response body of route `R`, from `ROUTE_RESPONSES` by its id. */
export type RouteResponse<R extends { readonly id: string }> = R['id'] extends TypedRouteId
  ? (typeof ROUTE_RESPONSES)[R['id']] extends ResponseOf<infer T>
    ? T
    : never
  : never;
