import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../src/domains/audit/index.js';
import { rsyslogAvailable, rsyslogReceiver } from './support/rsyslog-receiver.js';
import { throwawayPki, type ThrowawayPki } from './support/throwaway-pki.js';
import { eventually, restartablePort, startTestHub, type TestHub } from './support/test-hub.js';

// A real rsyslog (Debian, imtcp + the GnuTLS stream driver) receives the hub's RFC 5424 messages
// over TLS (RFC 5425). It is killed in the middle of a burst and started again on the same port:
// afterwards every record is in its file at least once, in order per source, none missing.

const skip = rsyslogAvailable() ? false : 'rsyslog and rsyslog-gnutls are not installed';

interface Received {
  source: string;
  seq: number;
  type: string;
  sd: string;
  timestamp: string;
  json: Record<string, unknown>;
}

// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG
const LINE = /^<\d{1,3}>1 (\S+) (\S+) outpost-hub (\S+) (\S+) (\[outpost@32473 (?:[^\]\\]|\\.)*\]) \uFEFF(.*)$/u;

function parse(line: string): Received {
  const m = LINE.exec(line);
  assert.ok(m, `not an RFC 5424 message of the hub: ${line.slice(0, 200)}`);
  const param = (name: string) => new RegExp(` ${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(m[5])?.[1];
  return {
    timestamp: m[1],
    type: m[4],
    sd: m[5],
    source: param('source') ?? '',
    seq: Number(param('seq')),
    json: JSON.parse(m[6]) as Record<string, unknown>,
  };
}

/** Each source's sequence numbers never skip ahead (repeats of earlier ones are allowed). */
function assertInOrderNoneMissing(received: Received[], source: string, last: number) {
  const seqs = received.filter((r) => r.source === source).map((r) => r.seq);
  let highest = 0;
  for (const [i, seq] of seqs.entries()) {
    assert.ok(
      seq <= highest + 1,
      `${source}: record ${seq} arrived after ${highest} (at line ${i}): ${highest + 1} missing`,
    );
    highest = Math.max(highest, seq);
  }
  assert.equal(highest, last, `${source}: the last record received is ${highest}, expected ${last}`);
  assert.equal(new Set(seqs).size, last, `${source}: some record never arrived`);
}

describe('SIEM export to a real rsyslog over TLS', { skip }, () => {
  let t: TestHub;
  let pki: ThrowawayPki;
  let dir: string;
  let receiver: ReturnType<typeof rsyslogReceiver>;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-rsyslog-'));
    pki = await throwawayPki();
    port = await restartablePort();
    receiver = rsyslogReceiver(dir, port, pki);
    await receiver.start();
    t = await startTestHub();
  });

  after(async () => {
    await t?.stop();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a burst through a receiver restart: every record at least once, in order, none missing', async (tc) => {
    const sink = await t.admin.siem.sinks.create({
      name: 'rsyslog',
      kind: 'syslog-tls',
      config: { host: '127.0.0.1', serverName: 'localhost', port, caPem: pki.caPem, batchSize: 25 },
    });
    assert.equal((await t.admin.siem.sinks.test(sink.id)).ok, true);

    const audit = t.hub.domains.audit;
    const burst = (i: number) =>
      audit.record({ actor: SYSTEM_ACTOR, action: 'siem.burst', target: `burst:${i}`, details: { count: i } });
    // The burst runs until the receiver has taken part of it, the receiver is killed, and the burst
    // goes on while it is down.
    let i = 0;
    const deadline = Date.now() + 60_000;
    while (receiver.lines().length < 100) {
      assert.ok(Date.now() < deadline, 'the receiver took nothing of the burst within 60 s');
      await burst(i++);
      await new Promise((r) => setImmediate(r));
    }
    await receiver.kill('SIGKILL');
    const beforeKill = i;
    for (let k = 0; k < 400; k++) await burst(i++);
    await audit.checkpoints.checkpointNow();

    // While the receiver is down the backlog grows and the sink says why it is failing.
    const down = await eventually(async () => {
      const s = await t.admin.siem.sinks.get(sink.id);
      return s.failing && s.backlogTotal > 0 ? s : null;
    }, 60_000);
    assert.match(down.lastError ?? '', /ECONNREFUSED|closed the connection|ECONNRESET|EPIPE|went away/);

    await receiver.start();
    const last = await audit.lastSeq();
    const lastCheckpoint = await audit.checkpoints.latestSeq();
    await eventually(
      async () => {
        const s = await t.admin.siem.sinks.get(sink.id);
        return s.backlog.audit === 0 && s.backlog.checkpoints === 0 && !s.failing;
      },
      120_000,
      200,
    );
    await eventually(() => receiver.lines().some((l) => l.includes(` seq="${last}"`)), 30_000);

    const all = receiver.lines().map(parse);
    assert.equal(all.filter((r) => r.type === 'siem.test').length, 1, 'the test event arrived once');
    const received = all.filter((r) => r.type !== 'siem.test');
    assertInOrderNoneMissing(received, 'audit', last);
    const checkpoints = received.filter((r) => r.source === 'checkpoints');
    assert.ok(checkpoints.length > 0, 'no signed checkpoint was exported');
    assert.equal(Math.max(...checkpoints.map((c) => c.seq)), lastCheckpoint);

    // The five fields in every audit record: UTC time, component, event type, subject, outcome.
    for (const r of received.filter((x) => x.source === 'audit')) {
      assert.match(r.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(r.sd, / subject="[a-z]+:[^"]+"/);
      assert.match(r.sd, / outcome="(ok|denied|failed)"/);
      assert.match(r.sd, / component="\S+ outpost-hub\/\d+\.\d+\.\d+[^"]*"/);
      assert.equal(r.type, r.json.type);
    }
    // A checkpoint names the audit record it signs: the same hash as that record's.
    const bySeq = new Map(received.filter((r) => r.source === 'audit').map((r) => [r.seq, r.json]));
    for (const c of checkpoints) {
      const integrity = c.json.integrity as { hash: string; signature: string };
      assert.equal(integrity.hash, (bySeq.get(c.seq)!.integrity as { hash: string }).hash);
      assert.ok(integrity.signature.length > 40);
    }
    const audited = received.filter((r) => r.source === 'audit').length;
    tc.diagnostic(`${beforeKill} records before the kill, ${i} in all; ${audited - last} audit records received twice`);
    // Restarting again is caught up: nothing new was waiting.
    assert.equal((await t.admin.siem.sinks.get(sink.id)).backlogTotal, 0);
  });

  it('refuses a receiver whose certificate the configured CA did not issue, and says why', async () => {
    const other = await throwawayPki('someone-else');
    const sink = await t.admin.siem.sinks.create({
      name: 'wrong-ca',
      kind: 'syslog-tls',
      config: { host: '127.0.0.1', serverName: 'localhost', port, caPem: other.caPem },
      startAt: 'now',
    });
    const r = await t.admin.siem.sinks.test(sink.id);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /unable to verify the first certificate|self.signed|unable to get local issuer/);
    await t.admin.siem.sinks.remove(sink.id);
  });
});
