import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCapture } from './capture.inspector.js';
import { testdataDir } from './tshark.reference.js';
import type { GuardPolicy } from '../policy/policy.types.js';
import { grant, testKeys } from '../policy/policy.fixture.js';

// Real DNP3 masters from the shared captures, replayed through an enforcing read-only policy
// that allows reads only: their start-up and polling (confirmations, time sync, clearing the
// restart indication, unsolicited enable/disable, delay measurement) passes; a SELECT/OPERATE
// does not.

const dir = join(testdataDir(import.meta.url), 'dnp3');
const skip = existsSync(dir) ? false : `shared captures not found in ${dir}`;
const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'drop',
  version: 1,
};

function decided(file: string) {
  return inspectCapture(readFileSync(join(dir, file)), { policy }).rows.filter((r) => r.decision && r.fc !== undefined);
}

test('a real master start-up and polling pass under read-only with only read allowed', { skip }, () => {
  const files = [
    'dnp3.pcap',
    'dnp3_en_spon.pcap',
    'dnp3_del_measure.pcap',
    'dnp3_rec_time.pcap',
    'dnp3_write.pcap',
    'dnp3_udp_write.pcap',
    'dnp3_read.pcap',
  ];
  const seen = new Set<number>();
  const gated: string[] = [];
  for (const f of files) {
    for (const r of decided(f)) {
      if (r.class === 'control' || r.class === 'malformed') {
        // dnp3.pcap's master also restarts the outstation and selects outputs: refused.
        assert.equal(r.decision?.action, 'block', `${f} frame ${r.frame}`);
        gated.push(`${r.fc}`);
        continue;
      }
      seen.add(r.fc ?? -1);
      assert.equal(r.decision?.action, 'allow', `${f} frame ${r.frame} fc ${r.fc}: ${r.decision?.reason}`);
    }
  }
  assert.ok(
    ['13', '14', '3'].every((fc) => gated.includes(fc)),
    `gated: ${gated.join(',')}`,
  );
  // CONFIRM, READ, WRITE (time, restart indication), ENABLE/DISABLE_UNSOLICITED, DELAY_MEASURE, RECORD_CURRENT_TIME.
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [0, 1, 2, 20, 21, 23, 24],
  );
});

test('a real SELECT/OPERATE is blocked under the same policy', { skip }, () => {
  const rows = decided('dnp3_select_operate.pcap');
  assert.deepEqual(
    rows.map((r) => [r.fc, r.decision?.action]),
    [
      [3, 'block'],
      [4, 'block'],
    ],
  );
});

// The same captures under a version 2 policy: function and object rules, SELECT-before-OPERATE
// and a hotline tag (a grant that sets a state, naming the CROB it allows).
const v2: GuardPolicy = {
  ...policy,
  allowedClasses: ['read', 'control'],
  schema: 2,
  dnp3Objects: { deny: [{ group: 70 }, { group: 112 }, { group: 120 }] },
  functions: { dnp3: { deny: [{ fc: 13 }, { fc: 14 }] } },
  selectBeforeOperate: { timeoutMs: 5_000 },
  states: [{ name: 'hotline_feeder7', from: 'grant' }],
};

const keys = testKeys();

function decidedV2(file: string, grants: unknown[] = [], timeoutMs = 5_000) {
  const opts = {
    policy: { ...v2, selectBeforeOperate: { timeoutMs } },
    grants,
    grantKey: keys.publicKey,
    deviceId: 'plc-1',
  };
  return inspectCapture(readFileSync(join(dir, file)), opts).rows.filter((r) => r.decision && r.fc !== undefined);
}

// Outstation 2, CROB 1, valid around the capture's time.
const hotlineTag = grant(keys, {
  id: 'tag-7',
  unit: 2,
  table: 'coil',
  start: 1,
  end: 1,
  notBefore: 1_324_501_000_000,
  expiresAt: 1_324_502_000_000,
  setsState: 'hotline_feeder7',
  ticket: 'CHG-1234',
});

test(
  'a real start-up passes the version 2 policy; the real SELECT then OPERATE pass only with a hotline tag',
  { skip },
  () => {
    for (const f of ['dnp3_en_spon.pcap', 'dnp3_del_measure.pcap', 'dnp3_rec_time.pcap', 'dnp3_read.pcap'])
      for (const r of decidedV2(f))
        assert.equal(r.decision?.action, 'allow', `${f} frame ${r.frame}: ${r.decision?.reason}`);
    assert.deepEqual(
      decidedV2('dnp3_select_operate.pcap').map((r) => [r.fc, r.decision?.reason]),
      [
        [3, 'ungranted_write'],
        [4, 'operate_without_select'],
      ],
    );
    assert.deepEqual(
      decidedV2('dnp3_select_operate.pcap', [hotlineTag]).map((r) => [r.fc, r.decision?.action, r.decision?.grantIds]),
      [
        [3, 'allow', ['tag-7']],
        [4, 'allow', ['tag-7']],
      ],
    );
    // The real OPERATE came 2 s after its SELECT: with a 1 s timeout the SELECT has lapsed.
    assert.deepEqual(
      decidedV2('dnp3_select_operate.pcap', [hotlineTag], 1_000).map((r) => [r.fc, r.decision?.reason]),
      [
        [3, undefined],
        [4, 'select_expired'],
      ],
    );
  },
);
