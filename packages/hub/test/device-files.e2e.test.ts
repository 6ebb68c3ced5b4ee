import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesFeature, type Agent } from '@outpost/agent';
import {
  createClient,
  downloadDeviceFile,
  downloadPullArchive,
  uploadDeviceFile,
  type OutpostClient,
} from '@outpost/client';
import { totpCode } from '../src/domains/users/totp.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// Device files end to end: a real hub, real agents over MQTT and HTTPS with their certificates,
// real files in temporary directories; every refusal comes from the agent and is audited.
describe('device files', () => {
  let t: TestHub;
  let base: string;
  const agents: Agent[] = [];
  const devices: EnrolledDevice[] = [];
  const run = Date.now().toString(36);
  const ids = [`files-a-${run}`, `files-b-${run}`];
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const dirs = (i: number) => ({ logs: join(base, `dev${i}`, 'logs'), app: join(base, `dev${i}`, 'app') });

  const refused = (reason: string) => (err: { code?: string; details?: { reason?: string } }) =>
    err.code === 'device_file_refused' && err.details?.reason === reason;

  async function lastAudit(action: string, deviceId: string) {
    const { items } = await t.admin.audit.list({ action, target: `device:${deviceId}`, limit: 1 });
    return items[0];
  }

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'outpost-device-files-'));
    writeFileSync(join(base, 'secret'), 'outside the root\n');
    t = await startTestHub();
    await t.admin.groups.create({ path: 'files-north', kind: 'static' });
    await t.admin.groups.create({ path: 'files-south', kind: 'static' });
    for (const [i, id] of ids.entries()) {
      const { logs, app } = dirs(i);
      mkdirSync(join(logs, 'sub'), { recursive: true });
      mkdirSync(join(app, 'conf'), { recursive: true });
      writeFileSync(join(logs, 'big.log'), big);
      writeFileSync(join(logs, 'app.log'), `log of ${id}\n`);
      writeFileSync(join(app, 'conf', 'app.conf'), 'port=80\n');
      symlinkSync(join(base, 'secret'), join(logs, 'escape'));
      symlinkSync('/dev/null', join(logs, 'null'));
      execFileSync('mkfifo', [join(logs, 'fifo')]);
      const d = await enrollTestDevice(t, id, { group: i === 0 ? 'files-north' : 'files-south' });
      devices.push(d);
      const roots = [
        { name: 'logs', dir: logs, mode: 'ro' as const },
        { name: 'app', dir: app, mode: 'rw' as const },
      ];
      agents.push(startTestAgent(t, d, { index: i + 1, features: [createFilesFeature({ roots, tls: d })] }));
    }
    // Ready = connected and subscribed: the roots answer.
    for (const id of ids) await eventually(() => t.admin.files.roots(id), 20_000, 100);
  });

  after(async () => {
    for (const a of agents) await a.stop();
    await t?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('lists roots and directories with name, type, size, mode and time', async () => {
    const roots = await t.admin.files.roots(ids[0]);
    assert.deepEqual(
      roots.items.map((r) => `${r.name}:${r.mode}`),
      ['logs:ro', 'app:rw'],
    );
    const page = await t.admin.files.list(ids[0], { root: 'logs' });
    const byName = new Map(page.items.map((e) => [e.name, e]));
    assert.equal(byName.get('big.log')?.size, big.length);
    assert.equal(byName.get('big.log')?.type, 'file');
    assert.equal(byName.get('sub')?.type, 'directory');
    assert.equal(byName.get('fifo')?.type, 'fifo');
    assert.equal(byName.get('escape')?.type, 'symlink');
    const first = await t.admin.files.list(ids[0], { root: 'logs', limit: 2 });
    assert.equal(first.items.length, 2);
    const rest = await t.admin.files.list(ids[0], { root: 'logs', after: first.next });
    assert.deepEqual(
      [...first.items, ...rest.items].map((e) => e.name),
      [...byName.keys()],
    );
  });

  it('downloads with the SHA-256 of the whole file, and resumes from an offset', async () => {
    const out = join(base, 'big.download');
    const r = await downloadDeviceFile(t.admin.options, ids[0], { root: 'logs', path: 'big.log' }, out);
    assert.equal(r.sha256, sha(big));
    assert.deepEqual(readFileSync(out), big);
    // An interrupted download left the first megabyte: the rest comes from there.
    const resumed = join(base, 'big.resumed');
    writeFileSync(`${resumed}.partial`, big.subarray(0, 1024 * 1024));
    const r2 = await downloadDeviceFile(t.admin.options, ids[0], { root: 'logs', path: 'big.log' }, resumed, {
      resume: true,
    });
    assert.equal(r2.resumedFrom, 1024 * 1024);
    assert.deepEqual(readFileSync(resumed), big);
    const [last] = (await t.admin.files.transfers(ids[0], 1)).items;
    assert.equal(last.offset, 1024 * 1024);
    assert.equal(last.status, 'succeeded');
    assert.equal(last.sha256, sha(big));
  });

  it('uploads atomically with the mode; a hash mismatch is refused by the device and leaves nothing behind', async () => {
    const { app } = dirs(0);
    const local = join(base, 'new.conf');
    writeFileSync(local, 'port=8080\n');
    await uploadDeviceFile(t.admin.options, ids[0], { root: 'app', path: 'conf/app.conf', mode: 0o640 }, local);
    assert.equal(readFileSync(join(app, 'conf', 'app.conf'), 'utf8'), 'port=8080\n');
    assert.equal(statSync(join(app, 'conf', 'app.conf')).mode & 0o777, 0o640);

    writeFileSync(local, 'port=9090\n');
    await assert.rejects(
      uploadDeviceFile(t.admin.options, ids[0], { root: 'app', path: 'conf/app.conf', sha256: sha('else') }, local),
      refused('hash_mismatch'),
    );
    assert.equal(readFileSync(join(app, 'conf', 'app.conf'), 'utf8'), 'port=8080\n');
    assert.deepEqual(readdirSync(join(app, 'conf')), ['app.conf'], 'no temporary file is left');
    const audit = await lastAudit('files.write', ids[0]);
    assert.equal(audit.outcome, 'denied');
    assert.equal(audit.details.reason, 'hash_mismatch');
    assert.deepEqual(readdirSync(join(t.dir, 'file-spool', 'uploads')), [], 'the hub spool is emptied');

    await t.admin.files.remove(ids[0], { root: 'app', path: 'conf/app.conf' });
    assert.deepEqual(readdirSync(join(app, 'conf')), []);
    assert.equal((await lastAudit('files.delete', ids[0])).outcome, 'ok');
  });

  it('refuses what lies outside a root, what is not a regular file and writes to ro roots — audited with the reason', async () => {
    const out = join(base, 'refused');
    const cases: Array<[string, string]> = [
      ['../secret', 'path_outside_root'],
      ['sub/../../secret', 'path_outside_root'],
      ['/etc/passwd', 'path_outside_root'],
      ['escape', 'path_outside_root'],
      ['null', 'path_outside_root'],
      ['fifo', 'not_a_regular_file'],
      ['sub', 'not_a_regular_file'],
    ];
    for (const [path, reason] of cases) {
      await assert.rejects(
        downloadDeviceFile(t.admin.options, ids[0], { root: 'logs', path }, out),
        refused(reason),
        `${path} → ${reason}`,
      );
      const a = await lastAudit('files.read', ids[0]);
      assert.equal(a.outcome, 'denied', path);
      assert.equal(a.details.reason, reason, path);
      assert.equal(a.details.path, path);
    }
    const local = join(base, 'x');
    writeFileSync(local, 'x');
    await assert.rejects(
      uploadDeviceFile(t.admin.options, ids[0], { root: 'logs', path: 'new.log' }, local),
      refused('root_read_only'),
    );
    assert.equal((await lastAudit('files.write', ids[0])).details.reason, 'root_read_only');
    await assert.rejects(t.admin.files.remove(ids[0], { root: 'logs', path: 'app.log' }), refused('root_read_only'));
    await assert.rejects(t.admin.files.list(ids[0], { root: 'etc' }), refused('not_declared'));
    assert.equal((await lastAudit('files.list', ids[0])).details.reason, 'not_declared');
    const [last] = (await t.admin.files.transfers(ids[0], 1)).items;
    assert.equal(last.status, 'refused');
    assert.equal(last.reason, 'root_read_only');
  });

  it('lets a viewer list but not transfer or write; hides devices outside a scope; writes need a fresh step-up', async () => {
    const viewer = await t.userClient('viewer');
    assert.ok((await viewer.files.list(ids[0], { root: 'logs' })).items.length > 0);
    const forbidden = (err: { code?: string; status?: number }) => err.code === 'forbidden' && err.status === 403;
    await assert.rejects(
      downloadDeviceFile(viewer.options, ids[0], { root: 'logs', path: 'app.log' }, join(base, 'v')),
      forbidden,
    );
    await assert.rejects(viewer.files.remove(ids[0], { root: 'app', path: 'x' }), forbidden);
    await assert.rejects(viewer.files.createPull({ root: 'logs', path: 'app.log', deviceIds: ids }), forbidden);

    // An operator confined to files-south sees device b, and device a not at all.
    const username = `south-op-${run}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role: 'operator' });
    await t.admin.users.update(user.id, { groups: ['files-south'] });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    const south: OutpostClient = createClient({ ...t.anonymous().options, session });
    await assert.rejects(south.files.list(ids[0], { root: 'logs' }), (e: { code?: string; status?: number }) => {
      return e.code === 'device_not_found' && e.status === 404;
    });
    assert.ok((await south.files.list(ids[1], { root: 'logs' })).items.length > 0);
    const pull = await south.files.createPull({ root: 'logs', path: 'app.log', deviceIds: ids });
    assert.equal(pull.devices, 1, 'a pull reaches only devices inside the scope');

    // An operator with a second factor proved ten minutes ago must step up to write.
    const op = await t.userClient('operator');
    const e = await op.mfa.enroll();
    const t0 = Date.now();
    await op.mfa.confirm(await totpCode(e.secret, t0));
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();
    const local = join(base, 'stepped');
    writeFileSync(local, 'stepped\n');
    const stepUp = (err: { code?: string; status?: number }) =>
      err.code === 'mfa_step_up_required' && err.status === 403;
    await assert.rejects(uploadDeviceFile(op.options, ids[0], { root: 'app', path: 'stepped' }, local), stepUp);
    await assert.rejects(op.files.remove(ids[0], { root: 'app', path: 'stepped' }), stepUp);
    assert.deepEqual(readdirSync(join(dirs(0).app)).includes('stepped'), false);
    const otp = await totpCode(e.secret, t0 + 30_000);
    await uploadDeviceFile(op.options, ids[0], { root: 'app', path: 'stepped', otp }, local);
    assert.equal(readFileSync(join(dirs(0).app, 'stepped'), 'utf8'), 'stepped\n');
    // Downloading moves no bytes onto the device: no step-up.
    await downloadDeviceFile(op.options, ids[0], { root: 'logs', path: 'app.log' }, join(base, 'op.log'));
  });

  it('pulls one path from several devices into one ZIP with each device’s status', async () => {
    const { pullId, devices: n } = await t.admin.files.createPull({
      root: 'logs',
      path: 'big.log',
      filter: 'group = "files-north" or group = "files-south"',
    });
    assert.equal(n, 2);
    const done = await eventually(
      async () => {
        const p = await t.admin.files.pull(pullId);
        return p.status === 'done' ? p : null;
      },
      60_000,
      200,
    );
    assert.deepEqual(done.counts, { succeeded: 2 });
    const zip = join(base, 'pull.zip');
    await downloadPullArchive(t.admin.options, pullId, zip);
    execFileSync('unzip', ['-tq', zip]);
    // The collected files wait in the blob store, where every replica reads them, not in this hub's spool.
    assert.equal(existsSync(join(t.dir, 'file-spool', 'pulls', pullId)), false);
    assert.equal(readdirSync(join(t.dir, 'pulls', pullId)).length, 2);
    for (const id of ids)
      assert.deepEqual(execFileSync('unzip', ['-p', zip, `${id}/logs/big.log`], { maxBuffer: 1 << 24 }), big);
    const status = JSON.parse(execFileSync('unzip', ['-p', zip, 'status.json']).toString('utf8')) as {
      devices: Array<{ deviceId: string; status: string; sha256: string }>;
    };
    assert.deepEqual(
      status.devices.map((d) => [d.deviceId, d.status, d.sha256]).sort(),
      ids.map((id) => [id, 'succeeded', sha(big)]),
    );

    // A refusal is a device's status in the pull, not a failure of the pull.
    const bad = await t.admin.files.createPull({ root: 'logs', path: 'escape', deviceIds: ids });
    const p2 = await eventually(
      async () => {
        const p = await t.admin.files.pull(bad.pullId);
        return p.status === 'done' ? p : null;
      },
      60_000,
      200,
    );
    assert.deepEqual(p2.counts, { refused: 2 });
    assert.ok(p2.items.every((i) => i.reason === 'path_outside_root'));
  });
});
