import type { CellModem } from '@outpost/protocol';
import { runBoundedCommand } from '../settings/bounded-command.js';
import { parseBearer, parseModem, parseModemList, parseSignal, parseSim } from './mmcli.parse.js';

/** Runs `mmcli` with these arguments and gives back its parsed JSON; rejects when it fails. */
export type MmcliRunner = (args: string[]) => Promise<unknown>;

// A modem list never holds more than a handful; the schema takes four.
const MAX_MODEMS = 4;
// Seconds between the modem's own signal measurements (`--signal-setup`); without it `--signal-get` stays empty.
const SIGNAL_RATE_S = 30;

/** The `mmcli` on PATH (or at `command`), bounded in time and output. */
export function createMmcliRunner(command = 'mmcli', timeoutMs = 10_000): MmcliRunner {
  return async (args) => {
    const r = await runBoundedCommand([command, '-J', ...args], { label: 'modem', timeoutMs, maxBytes: 256 * 1024 });
    if (r.code !== 0)
      throw new Error(`mmcli ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
    // Setup verbs answer in prose even with -J; only readings must be JSON.
    if (args.some((a) => a.startsWith('--signal-setup'))) return null;
    try {
      return JSON.parse(r.stdout) as unknown;
    } catch {
      throw new Error(`mmcli ${args.join(' ')} printed no JSON`);
    }
  };
}

export interface ModemReader {
  /** Every modem with its SIM, signal and bearer; an empty list when there is no modem or no ModemManager. */
  read(): Promise<CellModem[]>;
}

export function createModemReader(run: MmcliRunner, onError: (what: string, err: unknown) => void): ModemReader {
  const signalSetUp = new Set<number>();

  async function optional<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (err) {
      onError(what, err);
      return undefined;
    }
  }

  async function readOne(index: number): Promise<CellModem | undefined> {
    const reading = await optional(`modem ${index}`, async () => parseModem(await run(['-m', String(index)]), index));
    if (!reading) return undefined;
    const { modem, simIndex, bearerIndexes } = reading;
    if (simIndex !== undefined) {
      const sim = await optional(`SIM ${simIndex}`, async () => parseSim(await run(['-i', String(simIndex)])));
      if (sim) modem.sim = sim;
    }
    if (!signalSetUp.has(index)) {
      // Once per modem: the modem starts measuring; failures (an old modem) just leave `signal` out.
      signalSetUp.add(index);
      await run(['-m', String(index), `--signal-setup=${SIGNAL_RATE_S}`]).catch(() => undefined);
    }
    const signal = await optional(`signal of modem ${index}`, async () =>
      parseSignal(await run(['-m', String(index), '--signal-get'])),
    );
    if (signal) modem.signal = signal;
    const bearers = [];
    for (const b of bearerIndexes) {
      const bearer = await optional(`bearer ${b}`, async () => parseBearer(await run(['-b', String(b)])));
      if (bearer) bearers.push(bearer);
    }
    // The connected bearer carries the data; an idle one still names the APN it would use.
    const chosen = bearers.find((b) => b.connected) ?? bearers.find((b) => b.apn);
    if (chosen?.apn) modem.apn = chosen.apn;
    if (chosen?.connected && chosen.interface) modem.interface = chosen.interface;
    return modem;
  }

  return {
    async read() {
      const list = await optional('modem list', async () => parseModemList(await run(['-L'])));
      const modems: CellModem[] = [];
      for (const index of (list ?? []).slice(0, MAX_MODEMS)) {
        const m = await readOne(index);
        if (m) modems.push(m);
      }
      return modems;
    },
  };
}
