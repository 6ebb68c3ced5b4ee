import type { Kysely } from 'kysely';
import { float64Type } from '../../storage/sql-dialect.js';

// Portable DDL for alerts, notifications, traffic baselines, health roll-ups and reports.
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
type Db = Kysely<any>;

async function alerts(db: Db) {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('scope_group', 'text')
    .addColumn('scope_filter', 'text')
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('for_s', 'integer', (c) => c.notNull())
    .addColumn('clear_for_s', 'integer', (c) => c.notNull())
    .addColumn('channels_json', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('rule_name', 'text', (c) => c.notNull())
    .addColumn('rule_type', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('open_key', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('last_value_json', 'text', (c) => c.notNull())
    .addColumn('last_value_at', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('flapping', 'integer', (c) => c.notNull())
    .addColumn('acked_by', 'text')
    .addColumn('acked_at', 'text')
    .addColumn('ack_note', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolve_note', 'text')
    .execute();
  await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'fired_at']).execute();
  await db.schema.createIndex('alerts_device').on('alerts').columns(['device_id', 'fired_at']).execute();
  await db.schema.createIndex('alerts_rule').on('alerts').columns(['rule_id', 'fired_at']).execute();
  await db.schema.createIndex('alerts_fired').on('alerts').columns(['fired_at']).execute();
  await db.schema
    .createTable('alert_events')
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_events_pk', ['alert_id', 'n'])
    .execute();
  // The disconnects rule counts recent offline transitions across the fleet.
  await db.schema.createIndex('presence_changes_state_at').on('presence_changes').columns(['state', 'at']).execute();
}

async function notifications(db: Db) {
  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('digest_wait_s', 'integer', (c) => c.notNull())
    .addColumn('digest_interval_s', 'integer', (c) => c.notNull())
    .addColumn('retry_base_ms', 'integer', (c) => c.notNull())
    .addColumn('retry_cap_ms', 'integer', (c) => c.notNull())
    .addColumn('retry_max_attempts', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('notification_intents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .execute();
  await db.schema
    .createIndex('notification_intents_open')
    .on('notification_intents')
    .columns(['message_id', 'channel_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('notification_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('notification_messages_order', ['channel_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('notification_messages_state')
    .on('notification_messages')
    .columns(['state', 'channel_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('notification_messages_created')
    .on('notification_messages')
    .columns(['created_at'])
    .execute();
  await db.schema
    .createTable('mqtt_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('cert_serial', 'text', (c) => c.notNull().unique())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

async function traffic(db: Db) {
  // Byte and packet counters outgrow a 32-bit float: 64-bit on both engines.
  const f64 = float64Type(db);
  await db.schema
    .createTable('traffic_samples')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('period_s', f64, (c) => c.notNull())
    .addColumn('rx_bytes', f64, (c) => c.notNull())
    .addColumn('tx_bytes', f64, (c) => c.notNull())
    .addColumn('rx_packets', f64, (c) => c.notNull())
    .addColumn('tx_packets', f64, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('traffic_samples_device').on('traffic_samples').columns(['device_id', 'ts']).execute();
  await db.schema.createIndex('traffic_samples_ts').on('traffic_samples').columns(['ts']).execute();
  await db.schema
    .createTable('traffic_hourly')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('how', 'integer', (c) => c.notNull())
    .addColumn('bytes', f64, (c) => c.notNull())
    .addColumn('packets', f64, (c) => c.notNull())
    .addColumn('seconds', f64, (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('traffic_hourly_pk', ['device_id', 'hour'])
    .execute();
  await db.schema
    .createIndex('traffic_hourly_how')
    .on('traffic_hourly')
    .columns(['device_id', 'how', 'hour'])
    .execute();
  await db.schema.createIndex('traffic_hourly_hour').on('traffic_hourly').columns(['hour']).execute();
  await db.schema
    .createTable('traffic_ports')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('proto', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('dir', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('novel', 'integer', (c) => c.notNull())
    .addColumn('bytes', f64, (c) => c.notNull())
    .addPrimaryKeyConstraint('traffic_ports_pk', ['device_id', 'proto', 'port', 'dir'])
    .execute();
  await db.schema
    .createTable('traffic_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .execute();
}

async function health(db: Db) {
  await db.schema
    .createTable('health_models')
    .addColumn('model', 'text', (c) => c.primaryKey())
    .addColumn('rules_json', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('health_hourly')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('stats_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_hourly_pk', ['device_id', 'hour'])
    .execute();
  await db.schema.createIndex('health_hourly_hour').on('health_hourly').columns(['hour']).execute();
  await db.schema
    .createTable('monitoring_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // Retention deletes raw samples by age; without this index that is a scan of the whole table.
  await db.schema.createIndex('health_samples_ts').on('health_samples').columns(['ts']).execute();
}

async function reports(db: Db) {
  await db.schema
    .createTable('report_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope_group', 'text')
    .addColumn('scope_filter', 'text')
    .addColumn('device_id', 'text')
    .addColumn('period_hours', 'integer', (c) => c.notNull())
    .addColumn('formats_json', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('channels_json', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('next_run_at', 'text')
    .addColumn('last_run_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_schedules_due')
    .on('report_schedules')
    .columns(['enabled', 'next_run_at'])
    .execute();
  await db.schema
    .createTable('report_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('formats_json', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('csv', 'text')
    .addColumn('json', 'text')
    .addColumn('deliveries_json', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_runs_started').on('report_runs').columns(['started_at']).execute();
  await db.schema
    .createIndex('report_runs_schedule')
    .on('report_runs')
    .columns(['schedule_id', 'started_at'])
    .execute();
}

export async function up(db: Db): Promise<void> {
  await alerts(db);
  await notifications(db);
  await traffic(db);
  await health(db);
  await reports(db);
}
