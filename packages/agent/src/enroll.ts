import { createHash, X509Certificate } from 'node:crypto';
import { ENROLLMENT_ROUTES, type EnrollResponse, type ErrorBody } from '@outpost/protocol';
import { createKeyAndCsr } from './identity/csr.js';
import { saveIdentity } from './identity/identity.store.js';
import { fetchPinned } from './identity/pinned-fetch.js';

export interface EnrollOptions {
  hubUrl: string;
  token: string;
  caFingerprint: string;
  dir: string;
  deviceId?: string;
  name?: string;
}

export class EnrollError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Makes a key pair on this device, has the hub sign it, and keeps the identity in `dir`. */
export async function enrollDevice(o: EnrollOptions): Promise<EnrollResponse> {
  const { privateKeyPem, csrPem } = await createKeyAndCsr(o.deviceId ?? 'unassigned');
  const res = await fetchPinned(`${o.hubUrl.replace(/\/$/, '')}${ENROLLMENT_ROUTES.enroll.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: o.token,
      csrPem,
      ...(o.deviceId ? { deviceId: o.deviceId } : {}),
      ...(o.name ? { name: o.name } : {}),
    }),
    caFingerprint: o.caFingerprint,
  });
  if (res.status !== 201) {
    let body: Partial<ErrorBody> = {};
    try {
      body = JSON.parse(res.body) as ErrorBody;
    } catch {
      // not JSON; fall back to the status
    }
    throw new EnrollError(
      body.code ?? `http_${res.status}`,
      body.message ?? `enrollment failed with HTTP ${res.status}`,
    );
  }
  const r = JSON.parse(res.body) as EnrollResponse;
  // The CA the hub hands over must be the one the token pinned.
  const fp = createHash('sha256').update(new X509Certificate(r.caChainPem).raw).digest('hex');
  if (fp !== o.caFingerprint.toLowerCase().replace(/:/g, ''))
    throw new EnrollError('ca_pin_mismatch', 'the hub returned a CA other than the pinned one');
  await saveIdentity(o.dir, {
    deviceId: r.deviceId,
    privateKeyPem,
    certPem: r.certificatePem,
    caPem: r.caChainPem,
    mqttUrl: r.mqttUrl,
    httpUrl: r.httpUrl,
    caFingerprint: fp,
    ...(r.guardKeyPem ? { guardKeyPem: r.guardKeyPem } : {}),
    ...(r.updateRoot ? { updateRoot: r.updateRoot } : {}),
  });
  return r;
}
