export interface NotificationChannelsTable {
  id: string;
  name: string;
  kind: string;
  config_json: string;
  // Webhook HMAC key or SMTP password, AES-256-GCM under the hub's KEK, base64.
  secret_enc: string | null;
  digest_wait_s: number;
  digest_interval_s: number;
  retry_base_ms: number;
  retry_cap_ms: number;
  retry_max_attempts: number;
  enabled: number;
  created_by: string;
  created_at: string;
}

/** An alert change waiting to be folded into the channel's next message. */
export interface NotificationIntentsTable {
  id: string;
  channel_id: string;
  created_at: string;
  payload_json: string;
  message_id: string | null;
}

/** The outbox: one row per message, delivered in `seq` order per channel. */
export interface NotificationMessagesTable {
  id: string;
  channel_id: string;
  seq: number;
  kind: string;
  summary: string;
  body_json: string;
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A device a message is about (an alert digest's devices, a device report's device). */
export interface NotificationMessageDevicesTable {
  message_id: string;
  device_id: string;
}

/** Certificates issued to integrators' MQTT clients, which may subscribe to the alert topic only. */
export interface MqttIntegrationsTable {
  id: string;
  name: string;
  client_id: string;
  cert_serial: string;
  not_after: string;
  revoked_at: string | null;
  created_by: string;
  created_at: string;
}

export interface NotificationsTables {
  mqtt_integrations: MqttIntegrationsTable;
  notification_channels: NotificationChannelsTable;
  notification_intents: NotificationIntentsTable;
  notification_messages: NotificationMessagesTable;
  notification_message_devices: NotificationMessageDevicesTable;
}
