import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SCHEMA_VERSION, type FieldAssetsMessage } from '@outpost/protocol';
import { createManualClock } from '../../platform/manual-clock.js';
import { openTestDatabase, type TestDatabase } from '../../storage/test-database.js';
import { createFieldAssetsService, type FieldAssetsService } from './field-assets.service.js';
import { createFieldAssetsStore } from './field-assets.store.js';

const report = (assets: FieldAssetsMessage['assets']) =>
  Buffer.from(JSON.stringify({ v: SCHEMA_VERSION, ts: 1, assets }));
const plc = (address: number, revision: string): FieldAssetsMessage['assets'][number] => ({
  target: 'modbus-tcp 0.0.0.0:502',
  protocol: 'modbus',
  address,
  identity: { vendor: 'Acme', productCode: 'AC-500', revision },
  firstSeen: 1,
  lastSeen: 2,
});

describe('field assets service', () => {
  let t: TestDatabase;
  let service: FieldAssetsService;
  const warnings: string[] = [];
  const logger = { warn: (o: { code: string }) => warnings.push(o.code), info: () => undefined } as never;

  beforeEach(async () => {
    t = await openTestDatabase();
    warnings.length = 0;
    const clock = createManualClock(Date.parse('2026-12-01T00:00:00Z'));
    service = createFieldAssetsService({ store: createFieldAssetsStore(t.db), clock, logger });
  });
  afterEach(() => t.close());

  it('stores a report with the time the hub received it', async () => {
    await service.onReport('gw-1', report([plc(1, '1.2.0')]));
    const [a] = await service.list({ deviceId: 'gw-1', limit: 10 });
    assert.deepEqual(
      [a.vendor, a.product, a.revision, a.reportedAt],
      ['Acme', 'AC-500', '1.2.0', '2026-12-01T00:00:00.000Z'],
    );
  });

  it('a report that breaks the schema or its bounds is refused with the reason and changes nothing', async () => {
    await service.onReport('gw-1', report([plc(1, '1.2.0')]));
    const bad: Buffer[] = [
      Buffer.from('not json'),
      report([{ ...plc(2, '1'), address: 70_000 }]),
      report([{ ...plc(2, '1'), identity: { vendor: 'x'.repeat(129) } }]),
      report(Array.from({ length: 257 }, (_, i) => plc(i, '1'))),
      Buffer.from(JSON.stringify({ v: SCHEMA_VERSION, ts: 1, assets: [plc(2, '1')], extra: true })),
    ];
    for (const b of bad) await service.onReport('gw-1', b);
    assert.equal(warnings.length, bad.length);
    assert.ok(warnings.every((w) => typeof w === 'string' && w.length > 0));
    assert.deepEqual(
      (await service.list({ deviceId: 'gw-1', limit: 10 })).map((a) => a.address),
      [1],
    );
  });
});
