import { CELLULAR_ROUTES as C, routeUrl } from '@outpost/protocol';
import type {
  CellularGroupPlan,
  CellularSignalHistory,
  CellularUsageReport,
  DeviceCellularView,
} from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';
import { ApiError, send, type TransportOptions } from './transport.js';

export interface UsageReportQuery {
  group?: string;
  /** A day, YYYY-MM-DD: each SIM's cycle holding it (default today). */
  at?: string;
}

/** Cellular: a device's modem, SIM, signal history and plan; group plans; the data-usage report. */
export function cellularApi(r: RouteCaller, o: TransportOptions) {
  return {
    device: (id: string) => r<DeviceCellularView>(C.device, { params: { id } }),
    signal: (id: string, range: { from?: string; to?: string } = {}) =>
      r<CellularSignalHistory>(C.signal, { params: { id }, query: range }),
    setPlan: (id: string, plan: { limitBytes: number; cycleStartDay: number }) =>
      r<{ iccid: string; limitBytes: number; cycleStartDay: number }>(C.setPlan, { params: { id }, body: plan }),
    groupPlans: () => r<{ items: CellularGroupPlan[] }>(C.groupPlans),
    setGroupPlan: (plan: CellularGroupPlan) => r<CellularGroupPlan>(C.setGroupPlan, { body: plan }),
    removeGroupPlan: (group: string) => r<void>(C.deleteGroupPlan, { query: { group } }),
    usageReport: (q: UsageReportQuery = {}) => r<CellularUsageReport>(C.usageReport, { query: q }),
    /** The report as CSV or HTML text. */
    async usageReportText(format: 'csv' | 'html', q: UsageReportQuery = {}): Promise<string> {
      const res = await send(o, C.usageReport.method, routeUrl(C.usageReport, {}, { ...q, format }));
      if (res.status !== 200) {
        let body: { code?: string; message?: string; details?: Record<string, unknown> } = {};
        try {
          body = JSON.parse(res.body) as typeof body;
        } catch {
          // not JSON: keep the status alone
        }
        throw new ApiError(
          res.status,
          body.code ?? `http_${res.status}`,
          body.message ?? `usage report: HTTP ${res.status}`,
          undefined,
          body.details,
        );
      }
      return res.body;
    },
  };
}
