import type { CellModem, CellOperator, CellRat, CellSignal, CellSim } from '@outpost/protocol';

// Readers of ModemManager's `mmcli -J` output (ModemManager 1.18+; the key names below are its
// own). mmcli prints every value as a string and "--" for one it does not know: such a value is
// left out, never turned into zero.

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** A known string value: not empty, not mmcli's "--". */
export function known(v: unknown, maxLength = 96): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' || t === '--' || t.length > maxLength ? undefined : t;
}

function knownNumber(v: unknown, min: number, max: number): number | undefined {
  const t = known(v);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

function strings(v: unknown, maxItems: number): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((x) => known(x, 16))
    .filter((x): x is string => x !== undefined)
    .slice(0, maxItems);
}

/** The number at the end of a ModemManager object path (`/org/freedesktop/ModemManager1/SIM/3` → 3). */
export function pathIndex(path: unknown): number | undefined {
  const m = /\/(\d{1,7})$/.exec(known(path, 200) ?? '');
  return m ? Number(m[1]) : undefined;
}

/** `mmcli -J -L`: the indexes of the modems ModemManager knows. */
export function parseModemList(json: unknown): number[] {
  const list = obj(json)['modem-list'];
  if (!Array.isArray(list)) return [];
  return list.map(pathIndex).filter((n): n is number => n !== undefined);
}

/** "26201" → MCC 262, MNC 01 (3GPP TS 23.003: three digits of country, two or three of network). */
export function splitOperatorCode(code: unknown, name?: unknown): CellOperator | undefined {
  const c = known(code, 6);
  if (!c || !/^[0-9]{5,6}$/.test(c)) return undefined;
  const op: CellOperator = { mcc: c.slice(0, 3), mnc: c.slice(3) };
  const n = known(name, 64);
  return n ? { name: n, ...op } : op;
}

const ROAMING_STATES = new Set(['roaming', 'roaming-sms-only', 'roaming-csfb-not-preferred']);

/** The newest technology in use: `5gnr` beside `lte` is 5G non-standalone, `5gnr` alone standalone. */
export function ratOf(technologies: string[]): CellRat | undefined {
  const t = new Set(technologies);
  if (t.has('5gnr')) return t.has('lte') ? '5g-nsa' : '5g-sa';
  if (t.has('lte')) return 'lte';
  if (['umts', 'hsdpa', 'hsupa', 'hspa', 'hspa-plus'].some((x) => t.has(x))) return 'umts';
  if (['gsm', 'gsm-compact', 'gprs', 'edge'].some((x) => t.has(x))) return 'gsm';
  return undefined;
}

/** What `mmcli -J -m N` says of the modem, with its SIM and bearer paths to read next. */
export interface ModemReading {
  modem: CellModem;
  simIndex?: number;
  bearerIndexes: number[];
}

export function parseModem(json: unknown, index: number): ModemReading {
  const m = obj(obj(json).modem);
  const g = obj(m.generic);
  const g3 = obj(m['3gpp']);
  const technologies = strings(g['access-technologies'], 8);
  const registration = known(g3['registration-state'], 32);
  const modem: CellModem = {
    index,
    manufacturer: known(g.manufacturer, 64),
    model: known(g.model, 64),
    firmware: known(g.revision, 96),
    equipmentId: known(g['equipment-identifier'], 16) ?? known(g3.imei, 16),
    state: known(g.state, 32) ?? 'unknown',
    failedReason: known(g['state-failed-reason'], 32),
    unlockRequired: known(g['unlock-required'], 32),
    accessTechnologies: technologies,
    rat: ratOf(technologies),
    signalQuality: knownNumber(obj(g['signal-quality']).value, 0, 100),
    registration,
    roaming: registration !== undefined && ROAMING_STATES.has(registration),
    operator: splitOperatorCode(g3['operator-code'], g3['operator-name']),
  };
  if (modem.failedReason === 'none') delete modem.failedReason;
  if (modem.unlockRequired === 'none') delete modem.unlockRequired;
  if (modem.equipmentId && !/^[0-9A-Fa-f]{14,16}$/.test(modem.equipmentId)) delete modem.equipmentId;
  const bearers = Array.isArray(g.bearers) ? g.bearers : [];
  return {
    modem: dropUndefined(modem),
    simIndex: pathIndex(g.sim),
    bearerIndexes: bearers
      .map(pathIndex)
      .filter((n): n is number => n !== undefined)
      .slice(0, 4),
  };
}

/** `mmcli -J -i N`: the SIM's ICCID, IMSI and home operator. */
export function parseSim(json: unknown): CellSim | undefined {
  const p = obj(obj(obj(json).sim).properties);
  const iccid = known(p.iccid, 22);
  const imsi = known(p.imsi, 15);
  const sim: CellSim = {
    iccid: iccid && /^[0-9]{18,21}[0-9Ff]?$/.test(iccid) ? iccid : undefined,
    imsi: imsi && /^[0-9]{6,15}$/.test(imsi) ? imsi : undefined,
    operator: splitOperatorCode(p['operator-code'], p['operator-name']),
  };
  const clean = dropUndefined(sim);
  return Object.keys(clean).length ? clean : undefined;
}

function signalOf(section: unknown): CellSignal | undefined {
  const s = obj(section);
  const out = dropUndefined<CellSignal>({
    rssi: knownNumber(s.rssi, -200, 100),
    rsrp: knownNumber(s.rsrp, -200, 100),
    rsrq: knownNumber(s.rsrq, -200, 100),
    snr: knownNumber(s.snr, -200, 100),
  });
  return Object.keys(out).length ? out : undefined;
}

/** `mmcli -J -m N --signal-get`: per technology; ModemManager names the NR section `5g`. */
export function parseSignal(json: unknown): CellModem['signal'] {
  const s = obj(obj(obj(json).modem).signal);
  const out = dropUndefined({
    gsm: signalOf(s.gsm),
    umts: signalOf(s.umts),
    lte: signalOf(s.lte),
    nr5g: signalOf(s['5g']),
  });
  return Object.keys(out).length ? out : undefined;
}

/** `mmcli -J -b N`: the APN and, when connected, the data interface. */
export function parseBearer(json: unknown): { apn?: string; interface?: string; connected: boolean } {
  const b = obj(obj(json).bearer);
  const status = obj(b.status);
  return dropUndefined({
    apn: known(obj(b.properties).apn, 100),
    interface: known(status.interface, 32),
    connected: known(status.connected) === 'yes',
  });
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
