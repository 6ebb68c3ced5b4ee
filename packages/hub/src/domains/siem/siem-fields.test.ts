import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORTED_DETAIL_FIELDS, exportableDetails } from './siem-fields.js';
import { fromAuditRecord, fromDeviceEvent } from './siem-event.js';

const hub = { host: 'hub-1', software: 'outpost-hub', version: '1.0.0' };

describe('SIEM field allowlist', () => {
  it('exports only listed fields and counts what it left out', () => {
    const r = exportableDetails({ name: 'ops', role: 'admin', token: 'tok_abc', newField: 'x' });
    assert.deepEqual(r.fields, { name: 'ops', role: 'admin' });
    assert.equal(r.omitted, 2);
  });

  it('never lets the secrets the hub handles through, at any depth', () => {
    const secrets = {
      token: 't1',
      password: 'p1',
      generatedPassword: 'p2',
      secret: 's1',
      sessionToken: 's2',
      recoveryCodes: ['r1', 'r2'],
      otpauthUri: 'otpauth://totp/x?secret=ABC',
      qrSvg: '<svg/>',
      privateKeyPem: '-----BEGIN PRIVATE KEY-----',
      keys: ['k1'],
      authorization: 'Bearer b1',
    };
    for (const k of Object.keys(secrets)) assert.equal(EXPORTED_DETAIL_FIELDS.has(k), false, k);
    const nested = { changed: { ...secrets, role: 'viewer' }, devices: [{ ...secrets, name: 'd1' }] };
    const out = JSON.stringify(exportableDetails({ ...secrets, ...nested }).fields);
    for (const v of ['t1', 'p1', 'p2', 's1', 's2', 'r1', 'ABC', 'svg', 'PRIVATE', 'k1', 'b1'])
      assert.equal(out.includes(v), false, `${v} leaked: ${out}`);
    assert.match(out, /"role":"viewer"/);
    assert.match(out, /"name":"d1"/);
  });

  it('bounds strings, lists and depth', () => {
    const r = exportableDetails({
      reason: 'x'.repeat(2000),
      devices: Array.from({ length: 100 }, (_, i) => `d${i}`),
      changed: { changed: { changed: { changed: { name: 'deep' } } } },
    });
    assert.equal((r.fields.reason as string).length, 513);
    assert.equal((r.fields.devices as string[]).length, 32);
    assert.equal(JSON.stringify(r.fields).includes('deep'), false);
    assert.ok(r.omitted >= 1);
  });

  it('gives every audit record the five fields, and a record older than the component field this hub’s', () => {
    const e = fromAuditRecord(
      {
        seq: 7,
        ts: '2026-12-07T01:00:00.000Z',
        actorType: 'user',
        actor: 'ann',
        action: 'api.refused',
        target: null,
        outcome: 'denied',
        sourceIp: '10.1.1.1',
        details: { route: 'GET /x', token: 'leak' },
        prevHash: 'a'.repeat(64),
        hash: 'b'.repeat(64),
      },
      hub,
    );
    assert.deepEqual(
      [e.time, e.component, e.type, e.subject, e.outcome, e.category],
      ['2026-12-07T01:00:00.000Z', hub, 'api.refused', 'user:ann', 'denied', 'security'],
    );
    assert.deepEqual(e.details, { route: 'GET /x', omittedFields: 1 });
    assert.deepEqual(e.integrity, { seq: 7, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) });
  });

  it('reads a guard block as a refusal by the device’s agent', () => {
    const e = fromDeviceEvent({
      position: '["t","dev-1",3]',
      deviceId: 'dev-1',
      seq: 3,
      ts: '2026-12-07T01:00:00.000Z',
      type: 'guard.blocked',
      severity: 'warning',
      data: { fc: 6, unit: 1, prompt: 'password:' },
      agentVersion: '2.0.0',
    });
    assert.deepEqual(
      [e.category, e.outcome, e.subject, e.component.software],
      ['guard', 'denied', 'device:dev-1', 'outpost-agent'],
    );
    assert.deepEqual(e.details, { fc: 6, unit: 1, omittedFields: 1 });
  });
});
