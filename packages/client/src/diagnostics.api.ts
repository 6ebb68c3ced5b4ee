import type {
  DiagnosticDeviceResult,
  DiagnosticRunBody,
  DiagnosticRunDetail,
  DiagnosticRunListItem,
  DiagnosticRunRecord,
} from '@outpost/protocol';
import { DIAGNOSTICS_ROUTES as DIAG } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Named diagnostics the agents declare: run them on devices, read the results. */
export function diagnosticsApi(r: RouteCaller) {
  return {
    /** The names a device's agent declared in its last hello. */
    declared: (deviceId: string) =>
      r<{ deviceId: string; names: string[] }>(DIAG.declared, { params: { id: deviceId } }),
    /** Starts a run on one device, a group or a filter (exactly one); devices answer in the background. */
    start: (body: DiagnosticRunBody) => r<DiagnosticRunRecord>(DIAG.start, { body }),
    list: (limit?: number) =>
      r<{ items: DiagnosticRunListItem[] }>(DIAG.list, {
        query: limit === undefined ? {} : { limit },
      }),
    /** A run with its results; outputs cut to `preview` characters (default 4096). */
    get: (id: string, preview?: number) =>
      r<DiagnosticRunDetail>(DIAG.get, { params: { id }, query: preview === undefined ? {} : { preview } }),
    deviceResult: (id: string, deviceId: string) =>
      r<DiagnosticDeviceResult & { name: string }>(DIAG.deviceResult, { params: { id, deviceId } }),
  };
}
