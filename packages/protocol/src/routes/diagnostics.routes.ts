import { Type, type Static } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

/** Diagnostic names as agents declare them (`--diag name=…`). */
export const DIAGNOSTIC_NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$';

/** Start a diagnostic run: one named diagnostic on one device, a group's devices, or those a filter selects. */
export const DiagnosticRunBody = Type.Object(
  {
    name: Type.String({ pattern: DIAGNOSTIC_NAME_PATTERN }),
    param: Type.Optional(Type.String({ maxLength: 256 })),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    filter: Type.Optional(FilterText),
    /** How long the hub waits for each device's answer (the agent's own limit applies too); default 60. */
    timeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 900 })),
  },
  { additionalProperties: false },
);
export type DiagnosticRunBody = Static<typeof DiagnosticRunBody>;

export const DiagnosticRunsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
export const DiagnosticRunQuery = Type.Object({
  /** Characters of stdout and of stderr shown per device (default 4096; whole output: the device result or a download). */
  preview: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_536 })),
});
export const DiagnosticDeviceParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  deviceId: Type.String({ maxLength: 64 }),
});

const tag = 'diagnostics';

/** Named diagnostics the agents declare: run on one device or many, results per device, downloads. */
export const DIAGNOSTICS_ROUTES = {
  declared: defineRoute({
    tag,
    id: 'diagnostics.declared',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/diagnostics',
    role: 'viewer',
    summary: "The diagnostic names a device's agent declared in its last hello",
    params: IdParam,
  }),
  start: defineRoute({
    tag,
    id: 'diagnostics.start',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/diagnostics/runs',
    role: 'operator',
    summary: 'Run a diagnostic on a device, a group or a filter (inside the caller scope); answers 202 with the run',
    body: DiagnosticRunBody,
  }),
  list: defineRoute({
    tag,
    id: 'diagnostics.list',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/diagnostics/runs',
    role: 'viewer',
    query: DiagnosticRunsQuery,
  }),
  get: defineRoute({
    tag,
    id: 'diagnostics.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/diagnostics/runs/:id',
    role: 'viewer',
    summary: 'A run with its per-device results (output previews)',
    params: IdParam,
    query: DiagnosticRunQuery,
  }),
  deviceResult: defineRoute({
    tag,
    id: 'diagnostics.deviceResult',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/diagnostics/runs/:id/devices/:deviceId',
    role: 'viewer',
    summary: "One device's whole result",
    params: DiagnosticDeviceParams,
  }),
  downloadJson: defineRoute({
    tag,
    id: 'diagnostics.downloadJson',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/diagnostics/runs/:id/results.json',
    role: 'viewer',
    summary: 'Every result of a run with whole outputs, as one JSON document (streamed)',
    params: IdParam,
  }),
  downloadZip: defineRoute({
    tag,
    id: 'diagnostics.downloadZip',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/diagnostics/runs/:id/results.zip',
    role: 'viewer',
    summary: 'A zip (streamed): run.json, and per device <device>/result.json, stdout.txt, stderr.txt',
    params: IdParam,
  }),
};

/** How one device's run of a diagnostic ended; `pending` until it has. */
export type DiagnosticStatus = 'pending' | 'ok' | 'failed' | 'refused' | 'timeout' | 'offline';

/** A diagnostic run as the hub keeps it. `target` is `device:<id>`, `group:<path>` or `filter:<text>`. */
export interface DiagnosticRunRecord {
  id: string;
  name: string;
  param: string | null;
  target: string;
  timeoutMs: number;
  devices: number;
  state: 'running' | 'finished';
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

/** One device's result; outputs may be previews (`stdoutLength`/`stderrLength` give the whole sizes). */
export interface DiagnosticDeviceResult {
  runId: string;
  deviceId: string;
  status: DiagnosticStatus;
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The agent cut stdout or stderr at its output limit. */
  truncated: boolean;
  durationMs: number;
  /** Why it did not run or did not finish: diag_not_declared, diag_param_invalid, device_offline, no_answer… */
  reason?: string;
  finishedAt: string | null;
  stdoutLength: number;
  stderrLength: number;
}

/** A run in the list of runs: how many of its devices lie inside the caller's scope. */
export type DiagnosticRunListItem = DiagnosticRunRecord & { visibleDevices: number };

export interface DiagnosticRunDetail extends DiagnosticRunRecord {
  counts: Partial<Record<DiagnosticStatus, number>>;
  results: DiagnosticDeviceResult[];
}
