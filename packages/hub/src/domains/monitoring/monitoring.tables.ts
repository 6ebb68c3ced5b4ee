import type { AlertsTables } from '../alerts/alerts.tables.js';
import type { NotificationsTables } from '../notifications/notifications.tables.js';
import type { TrafficTables } from '../traffic/traffic.tables.js';
import type { HealthTables } from '../health/health.tables.js';
import type { ReportsTables } from '../reports/reports.tables.js';

/** Every table of the monitoring domains (alerts, notifications, traffic, health, reports). */
export type MonitoringTables = AlertsTables & NotificationsTables & TrafficTables & HealthTables & ReportsTables;
