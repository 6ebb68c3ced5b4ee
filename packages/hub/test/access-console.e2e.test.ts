import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSerialPort, type Agent } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import { parseAsciicast } from '../src/domains/access/session-recorder.js';
import { recordingKey } from '../src/domains/access/access-recordings.js';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { operatorLeg, startAccessAgent, startPtyPair, testTerminal, toolMissing } from './support/access-peers.js';

const skip = toolMissing('script') ?? toolMissing('socat') ?? toolMissing('stty');

describe('console and serial sessions, recorded as asciicast', { skip }, () => {
  let t: TestHub;
  let op: OutpostClient;
  let dev: EnrolledDevice;
  let agent: Agent;
  let line: Awaited<ReturnType<typeof startPtyPair>>;
  let plcPort: Duplex | null = null;

  before(async () => {
    t = await startTestHub();
    dev = await enrollTestDevice(t, 'rtu-console-1');
    line = await startPtyPair();
    agent = startAccessAgent(t, dev, {
      console: { command: '/bin/sh' },
      serial: { plc: { path: line.a, baud: 19200 } },
    });
    await t.admin.access.createPolicy({
      name: 'rtu-maint',
      deviceId: dev.id,
      targets: ['console', 'serial:plc'],
      mfaMaxAgeS: null,
    });
    op = await t.userClient('operator');
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
  });
  after(async () => {
    plcPort?.destroy();
    await agent?.stop();
    line?.stop();
    await t?.stop();
  });

  it('gives a shell on a pty that follows resizes, and its transcript replays exactly what the operator saw', async () => {
    const r = await op.access.request({ deviceId: dev.id, target: 'console', reason: 'inspect logs', durationS: 120 });
    const link = operatorLeg(t, op, r);
    await link.ready;
    const term = testTerminal();
    const stream = link.mux.open(term.stream, { cols: 100, rows: 30 });
    // Multi-byte UTF-8 split across output chunks must survive the transcript whole.
    term.type("stty size; printf 'h\\303\\251llo w\\303\\266rld \\342\\202\\254\\n'\n");
    await term.waitFor('héllo wörld €');
    await term.waitFor('30 100');
    link.mux.resize(stream, 120, 40);
    await new Promise((res) => setTimeout(res, 300));
    term.type('stty size; exit\n');
    await term.waitFor('40 120');
    await term.ended;
    link.close();
    await link.ended;

    const s = await eventually(async () => {
      const x = await op.access.session(r.session.id);
      return x.recording?.sha256 ? x : null;
    });
    assert.equal(s.recording!.kind, 'asciicast');
    const rec = await op.access.recording(r.session.id);
    const sha = createHash('sha256').update(rec.text).digest('hex');
    assert.equal(sha, s.recording!.sha256);
    assert.equal(rec.sha256, sha);
    const sealed = (
      await t.admin.audit.list({ action: 'access.recording.seal', target: `access-session:${r.session.id}` })
    ).items[0];
    assert.equal(sealed.details.sha256, sha);

    const cast = parseAsciicast(rec.text);
    assert.equal(cast.header.version, 2);
    assert.equal(cast.header.width, 100);
    assert.equal(cast.header.height, 30);
    assert.ok(cast.events.some((e) => e[1] === 'r' && e[2] === '120x40'));
    // Exactly the bytes the operator's terminal received, in order.
    assert.equal(cast.output, term.shown().toString('utf8'));
    assert.ok(s.bytesFromDevice >= term.shown().length);
  });

  it('refuses to replay a transcript that was altered after the session', async () => {
    const [s] = (await op.access.sessions({ deviceId: dev.id, state: ['closed'] })).items;
    const row = await t.hub.db
      .selectFrom('access_sessions')
      .select('recording_path')
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    const { appendFileSync } = await import('node:fs');
    // The transcript as the hub keeps it (its blob store: on SQLite, the data directory).
    const file = join(t.dir, recordingKey(row.recording_path!));
    assert.ok(existsSync(file), file);
    appendFileSync(file, '[9.0, "o", "forged"]\n');
    await assert.rejects(op.access.recording(s.id), (e: { code: string }) => e.code === 'conflict');
  });

  it("reaches a PLC's serial maintenance port both ways and records it", async () => {
    plcPort = openSerialPort(line.b);
    const fromOperator: Buffer[] = [];
    plcPort.on('data', (d: Buffer) => {
      fromOperator.push(d);
      if (Buffer.concat(fromOperator).toString().includes('\r')) plcPort!.write('\r\nPLC-5 maintenance> ');
    });
    const r = await op.access.request({
      deviceId: dev.id,
      target: 'serial:plc',
      reason: 'read fault log',
      durationS: 120,
    });
    const link = operatorLeg(t, op, r);
    await link.ready;
    const term = testTerminal();
    link.mux.open(term.stream, { cols: 80, rows: 24 });
    await new Promise((res) => setTimeout(res, 200));
    plcPort.write('login: ');
    await term.waitFor('login: ');
    term.type('tech\r');
    await term.waitFor('PLC-5 maintenance> ');
    assert.equal(Buffer.concat(fromOperator).toString(), 'tech\r');
    link.close();
    await link.ended;
    const rec = await eventually(async () =>
      (await op.access.session(r.session.id)).recording?.sha256 ? op.access.recording(r.session.id) : null,
    );
    assert.equal(parseAsciicast(rec.text).output, 'login: \r\nPLC-5 maintenance> ');
  });
});
