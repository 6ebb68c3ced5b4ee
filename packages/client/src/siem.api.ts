import type { SiemSink, SiemSinkInput } from '@outpost/protocol';
import { SIEM_ROUTES as SIEM } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** SIEM sinks (admin): where the audit trail and security events are streamed. */
export function siemApi(r: RouteCaller) {
  return {
    sinks: {
      list: () => r<{ items: SiemSink[] }>(SIEM.sinks),
      get: (id: string) => r<SiemSink>(SIEM.sink, { params: { id } }),
      create: (sink: SiemSinkInput) => r<SiemSink>(SIEM.createSink, { body: sink }),
      update: (id: string, patch: Partial<Omit<SiemSinkInput, 'kind' | 'startAt'>>) =>
        r<SiemSink>(SIEM.updateSink, { params: { id }, body: patch }),
      remove: (id: string) => r<void>(SIEM.deleteSink, { params: { id } }),
      /** Sends one `siem.test` event now; the answer says whether the receiver took it, and why not. */
      test: (id: string) => r<{ ok: boolean; error?: string }>(SIEM.testSink, { params: { id } }),
    },
  };
}
