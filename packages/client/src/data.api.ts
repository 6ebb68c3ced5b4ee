import { STREAMS_ROUTES as DATA, routeUrl } from '@outpost/protocol';
import type { DataHistory, DataPointView, DataSubscription } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';
import { ApiError, send, type TransportOptions } from './transport.js';

/** A new data subscription: values of the selected devices' points pushed to a webhook channel. */
export interface NewDataSubscription {
  name: string;
  channelId: string;
  group?: string;
  filter?: string;
  points: string[];
  maxBatch?: number;
  maxDelayMs?: number;
  maxBacklog?: number;
  enabled?: boolean;
}

export interface DataHistoryQuery {
  /** ISO 8601 times; the range is [from, to). */
  from: string;
  to: string;
  interval?: DataHistory['interval'];
  aggregate?: DataHistory['aggregate'];
  limit?: number;
}

/** Process data of devices: points with latest value, history (JSON or CSV), the hub's write switch. */
export function dataApi(r: RouteCaller, o: TransportOptions) {
  return {
    data: {
      points: (deviceId: string) => r<{ items: DataPointView[] }>(DATA.points, { params: { id: deviceId } }),
      history: (deviceId: string, point: string, query: DataHistoryQuery) =>
        r<DataHistory>(DATA.history, { params: { id: deviceId, point }, query: { ...query, format: 'json' } }),
      /** The history as CSV text (RFC 4180, guarded against spreadsheet formulas). */
      async historyCsv(deviceId: string, point: string, query: DataHistoryQuery): Promise<string> {
        const route = DATA.history;
        const res = await send(o, route.method, routeUrl(route, { id: deviceId, point }, { ...query, format: 'csv' }));
        if (res.status !== 200) {
          const e = JSON.parse(res.body || '{}') as { code?: string; message?: string };
          throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
        }
        return res.body;
      },
      /** Enables or disables writes to a point on the hub (admin; enabling may ask for the second factor). */
      setWrites: (deviceId: string, point: string, enabled: boolean, otp?: string) =>
        r<DataPointView>(DATA.setWrites, {
          params: { id: deviceId, point },
          body: { enabled, ...(otp ? { otp } : {}) },
        }),
      subscriptions: {
        /** The subscriptions whose devices lie inside the caller's scope. */
        list: () => r<{ items: DataSubscription[] }>(DATA.subscriptions),
        /** Admin only; a scoped admin's subscription stays inside its groups. */
        create: (body: NewDataSubscription) => r<DataSubscription>(DATA.createSubscription, { body }),
        delete: (id: string) => r<void>(DATA.deleteSubscription, { params: { id } }),
      },
    },
  };
}
