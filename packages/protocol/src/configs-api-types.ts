import type { SettingValue } from './configs-messages.js';

/** A secret as the API shows it: set, never its value. Sending it back unchanged keeps the value. */
export interface MaskedSecret {
  $secret: true;
}
/** A secret as an operator sends it: the plaintext, encrypted by the hub at once. */
export interface SecretInput {
  $secret: string | true;
}

export type TemplatePolicy = 'report' | 'enforce';
export type TemplateTarget = { group: string } | { filter: string };

export interface TemplateFile {
  path: string;
  sha256: string;
  mode: number;
  size?: number;
}

export interface TemplateInput {
  name: string;
  description?: string;
  priority: number;
  policy: TemplatePolicy;
  target: TemplateTarget;
  /** When set, only devices of this model; its settings schema (if any) checks the values. */
  model?: string | null;
  settings: Record<string, SettingValue | SecretInput>;
  /** Files to place on devices: content (base64) or the hash of content the hub already holds. */
  files?: Array<{ path: string; mode?: number; content?: string; sha256?: string }>;
  comment?: string;
}

export interface ConfigTemplate {
  id: string;
  name: string;
  version: number;
  description: string;
  priority: number;
  policy: TemplatePolicy;
  target: TemplateTarget;
  model: string | null;
  settings: Record<string, SettingValue | MaskedSecret>;
  files: TemplateFile[];
  updatedBy: string;
  updatedAt: string;
  createdAt: string;
}

/** A template with the number of devices it targets now. */
export type TemplateWithDevices = ConfigTemplate & { devices: number };

/** One change between two versions. Secret values never appear: only that they changed. */
export interface TemplateChange {
  field: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
  secret?: boolean;
}

export interface TemplateVersion {
  version: number;
  author: string;
  createdAt: string;
  comment: string;
  diff: TemplateChange[];
}

export type ComplianceState = 'pending' | 'compliant' | 'drifted' | 'error';

export interface DriftEntry {
  key: string;
  /** Absent for secrets, which show only `changed`. */
  desired?: unknown;
  actual?: unknown;
  secret?: boolean;
  change: 'changed' | 'missing';
  changedAt?: string;
  users?: string[];
  via?: 'agent' | 'direct';
}

export interface ComplianceRow {
  deviceId: string;
  deviceName: string;
  template: string;
  templateVersion: number | null;
  policy: TemplatePolicy | null;
  state: ComplianceState;
  diff: DriftEntry[];
  reason: string | null;
  since: string;
  checkedAt: string;
  maintenance: boolean;
}

export interface ComplianceCounts {
  total: number;
  compliant: number;
  drifted: number;
  pending: number;
  error: number;
  /** compliant / total × 100, one decimal; 100 when nothing is targeted. */
  compliantPct: number;
}

export interface ComplianceSummary {
  overall: ComplianceCounts & { devices: number };
  templates: Array<ComplianceCounts & { template: string; policy: TemplatePolicy | null }>;
  lastScan: { at: string; durationMs: number; devices: number } | null;
}

export interface DriftIncident {
  id: string;
  deviceId: string;
  template: string;
  keys: string[];
  users: string[];
  detectedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  remediations: number;
  /** Detection to resolution, seconds; null while open. */
  durationS: number | null;
}

export interface ConfigEntryView {
  key: string;
  desired: SettingValue | MaskedSecret;
  actual: SettingValue | MaskedSecret | null;
  secret: boolean;
  source:
    | { kind: 'override' }
    | { kind: 'template'; template: string; version: number; priority: number; policy: TemplatePolicy };
  /** Lower-precedence sources that also set this key, and lost. */
  overridden: Array<{ kind: 'template'; template: string; priority: number }>;
  status: ComplianceState;
  /** The reported value breaks the device model's settings schema: why (never the value). */
  invalid?: string;
}

/** A reported value that breaks the device model's settings schema. Never carries the value. */
export interface SettingViolation {
  /** The dotted setting key. */
  key: string;
  /** JSON Pointer of the bad part: `/settings/<key>[/<index>]`. */
  path: string;
  message: string;
}

export interface DeviceConfigView {
  deviceId: string;
  desiredVersion: number;
  reportedVersion: number | null;
  reportedAt: string | null;
  maintenanceUntil: string | null;
  state: ComplianceState | null;
  entries: ConfigEntryView[];
  files: Array<TemplateFile & { template: string; actualSha256: string | null }>;
  templates: ComplianceRow[];
  /** Settings the device reported that nothing manages. Secret-looking ones are masked. */
  unmanaged: Record<string, unknown>;
  /** Reported values (managed or not) that break the model's settings schema, at most 50. */
  invalid: SettingViolation[];
  /** How many there are in all (may exceed the list). */
  invalidCount: number;
  precedence: string;
}

export interface ConfigEvent {
  id: string;
  deviceId: string;
  ts: string;
  type: string;
  severity: 'info' | 'warning' | 'critical';
  template: string | null;
  data: Record<string, unknown>;
}
