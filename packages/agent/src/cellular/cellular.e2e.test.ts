import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileValidator, CellularMessage } from '@outpost/protocol';
import type { FeatureContext } from '../core/feature.js';
import { realClock } from '../core/ports.js';
import { createLinuxCellularFeature } from './linux-cellular.js';
import { FIXTURE_IDS, MMCLI_FOUR_MODEMS } from './mmcli.fixture.js';

// The cellular feature as it runs on a gateway: a stand-in `mmcli` on PATH printing ModemManager's
// JSON, byte counters in a sysfs-shaped directory, and a gpsd stand-in speaking gpsd's JSON
// protocol on TCP (VERSION on connect, DEVICES and WATCH after ?WATCH, then TPV reports).

const validMessage = compileValidator(CellularMessage);

/** A shell script answering `mmcli -J <args>` from the fixture table, as mmcli would. */
async function writeMmcli(dir: string) {
  const cases: string[] = [];
  let n = 0;
  for (const [args, json] of Object.entries(MMCLI_FOUR_MODEMS)) {
    const file = join(dir, `answer-${n++}.json`);
    await writeFile(file, JSON.stringify(json));
    cases.push(`  "-J ${args}") cat '${file}' ;;`);
  }
  const script = [
    '#!/bin/sh',
    `echo "$*" >> '${join(dir, 'calls.log')}'`,
    'case "$*" in',
    ...cases,
    '  *--signal-setup=*) echo "successfully setup signal refresh rate" ;;',
    `  *) echo "error: couldn't find object: $*" >&2; exit 1 ;;`,
    'esac',
  ].join('\n');
  await writeFile(join(dir, 'mmcli'), script + '\n');
  await chmod(join(dir, 'mmcli'), 0o755);
}

interface FakeGpsd {
  server: Server;
  port: number;
  received: string[];
  sockets: Set<Socket>;
  fix: { lat: number; lon: number };
}

async function startGpsd(): Promise<FakeGpsd> {
  const g = {
    received: [] as string[],
    sockets: new Set<Socket>(),
    fix: { lat: 52.520008, lon: 13.404954 },
  } as FakeGpsd;
  g.server = createServer((s) => {
    g.sockets.add(s);
    s.on('close', () => g.sockets.delete(s));
    s.on('error', () => undefined);
    s.write('{"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14}\r\n');
    let watching: NodeJS.Timeout | undefined;
    s.on('data', (d) => {
      g.received.push(d.toString('utf8'));
      if (!d.toString('utf8').startsWith('?WATCH={"enable":true,"json":true}')) return;
      s.write(
        '{"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/ttyACM0","driver":"u-blox","activated":"2026-12-07T06:00:00.000Z","native":1,"bps":9600,"parity":"N","stopbits":1,"cycle":1.00,"mincycle":0.25}]}\r\n' +
          '{"class":"WATCH","enable":true,"json":true,"nmea":false,"raw":0,"scaled":false,"timing":false,"split24":false,"pps":false}\r\n',
      );
      watching ??= setInterval(() => {
        const time = new Date().toISOString();
        s.write(`{"class":"TPV","device":"/dev/ttyACM0","mode":1,"time":"${time}"}\r\n`);
        s.write(
          `{"class":"SKY","device":"/dev/ttyACM0","time":"${time}","hdop":0.9,"nSat":12,"uSat":9,"satellites":[]}\r\n` +
            `{"class":"TPV","device":"/dev/ttyACM0","status":2,"mode":3,"time":"${time}","ept":0.005,` +
            `"lat":${g.fix.lat},"lon":${g.fix.lon},"altHAE":74.6,"altMSL":34.1,"epx":3.1,"epy":4.2,"epv":7.9,` +
            `"track":271.3,"speed":12.4,"climb":0.0,"eps":8.4,"eph":5.6}\r\n`,
        );
      }, 100);
      s.on('close', () => clearInterval(watching));
    });
  });
  await new Promise<void>((r) => g.server.listen(0, '127.0.0.1', r));
  g.port = (g.server.address() as { port: number }).port;
  return g;
}

describe('cellular feature against mmcli and gpsd', () => {
  let dir = '';
  let gpsd: FakeGpsd;
  const oldPath = process.env.PATH;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outpost-cellular-'));
    await mkdir(join(dir, 'bin'));
    await writeMmcli(join(dir, 'bin'));
    process.env.PATH = `${join(dir, 'bin')}:${oldPath}`;
    gpsd = await startGpsd();
  });
  after(async () => {
    process.env.PATH = oldPath;
    for (const s of gpsd.sockets) s.destroy();
    await new Promise((r) => gpsd.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  async function setCounters(iface: string, rx: number, tx: number) {
    await mkdir(join(dir, 'net', iface, 'statistics'), { recursive: true });
    await writeFile(join(dir, 'net', iface, 'statistics', 'rx_bytes'), `${rx}\n`);
    await writeFile(join(dir, 'net', iface, 'statistics', 'tx_bytes'), `${tx}\n`);
  }

  it('reports modems, SIMs, signal, counters that survive a wrap and a reboot, and the gpsd fix', async () => {
    await setCounters('wwan0', 4_294_967_000, 10_000);
    await setCounters('wwan1', 500, 500);
    await setCounters('eth0', 99_999, 99_999);
    await writeFile(join(dir, 'boot_id'), 'boot-a\n');
    const published: CellularMessage[] = [];
    const signals: Array<number | undefined> = [];
    const ctx: FeatureContext = {
      deviceId: 'gw-1',
      clock: realClock,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined } as FeatureContext['logger'],
      publish: async (suffix, payload) => {
        assert.equal(suffix, 'cellular');
        published.push(payload as CellularMessage);
      },
      emit: async () => undefined,
      online: () => true,
    };
    const feature = createLinuxCellularFeature({
      stateFile: join(dir, 'state', 'cellular-counters.json'),
      intervalS: 1,
      clock: realClock,
      logger: ctx.logger,
      gpsd: { host: '127.0.0.1', port: gpsd.port },
      sysNet: join(dir, 'net'),
      bootIdFile: join(dir, 'boot_id'),
      onSignal: (dbm) => signals.push(dbm),
    });
    const until = async (test: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await feature.start?.(ctx);
      await feature.onConnected?.(ctx);
      await until(() => published.some((m) => m.location), 'a report with a position');
      const first = published.find((m) => m.location)!;
      assert.equal(validMessage.check(first).ok, true, JSON.stringify(first));
      assert.deepEqual(
        first.modems.map((m) => [m.model, m.rat ?? null, m.roaming, m.sim?.iccid ?? null, m.state]),
        [
          ['EG25-G', 'lte', true, FIXTURE_IDS.roamingIccid, 'connected'],
          ['RM500Q-GL', '5g-nsa', false, FIXTURE_IDS.nsaIccid, 'connected'],
          ['EM7455', null, false, null, 'failed'],
          ['LE910C4-EU', null, false, FIXTURE_IDS.lockedIccid, 'locked'],
        ],
      );
      assert.equal(first.modems[0].signal?.lte?.rsrp, -112);
      // The health samples' signal: the first modem's LTE RSRP.
      assert.equal(signals[0], -112);
      assert.deepEqual(
        {
          lat: first.location!.lat,
          lon: first.location!.lon,
          mode: first.location!.mode,
          acc: first.location!.accuracyM,
        },
        { lat: 52.520008, lon: 13.404954, mode: 3, acc: 5.6 },
      );
      assert.ok(gpsd.received.join('').startsWith('?WATCH={"enable":true,"json":true};'));
      assert.deepEqual(
        first.counters.interfaces.map((i) => i.name),
        ['wwan0', 'wwan1'],
        'counts the cellular interfaces, not eth0',
      );

      // The 32-bit rx counter of wwan0 wraps: 296 + 704 bytes.
      await setCounters('wwan0', 704, 12_000);
      const n1 = published.length;
      await until(() => published.length > n1 + 1, 'reports after the wrap');
      assert.deepEqual(published.at(-1)!.counters.interfaces[0], { name: 'wwan0', rxBytes: 1000, txBytes: 2000 });

      // A reboot: new boot id, counters from zero, and the fix moves.
      await writeFile(join(dir, 'boot_id'), 'boot-b\n');
      await setCounters('wwan0', 300, 50);
      gpsd.fix = { lat: 48.137154, lon: 11.576124 };
      const n2 = published.length;
      await until(() => published.length > n2 + 1 && published.at(-1)!.location?.lat === 48.137154, 'the moved fix');
      const last = published.at(-1)!;
      assert.deepEqual(last.counters.interfaces[0], { name: 'wwan0', rxBytes: 1300, txBytes: 2050 });
      assert.equal(last.counters.epoch, first.counters.epoch, 'the saved state carries over');
    } finally {
      await feature.stop?.();
    }
  });
});
