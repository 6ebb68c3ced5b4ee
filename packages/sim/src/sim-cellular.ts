import { createCellularFeature, ratOf, type AgentFeature, type CounterState, type ModemReader } from '@outpost/agent';
import type { CellModem, GeoFix } from '@outpost/protocol';
import type { SimDeviceContext } from './sim-device-context.js';

// Simulated modems: real carriers (MCC/MNC as assigned), signal that varies with time and
// place, occasional SIM swaps, roaming for vehicles that cross a border, and vehicles that
// drive along routes. The real agent cellular feature reports them.

/** Real networks: name, MCC, MNC. */
export const SIM_CARRIERS = [
  ['Telekom.de', '262', '01'],
  ['Vodafone.de', '262', '02'],
  ['O2 - DE', '262', '03'],
  ['A1', '232', '01'],
  ['Orange F', '208', '01'],
  ['EE', '234', '30'],
  ['Verizon', '311', '480'],
  ['AT&T', '310', '410'],
  ['T-Mobile', '310', '260'],
  ['Telia', '240', '01'],
] as const;

// Where each site sits, and a partner network a vehicle roams onto east of its home's border.
const SITE_POINT: Record<string, [number, number]> = {
  north: [53.55, 9.99],
  south: [48.14, 11.58],
  east: [52.52, 13.4],
  west: [50.94, 6.96],
};
const ROAM_PARTNER = ['A1', '232', '01'] as const;
const DAY_MS = 86_400_000;
const MODELS = {
  lte: ['Quectel', 'EG25-G', 'EG25GGBR07A08M2G'],
  nsa: ['Quectel', 'RM500Q-GL', 'RM500QGLABR11A06M4G'],
} as const;

/** Luhn check digit (ITU-T E.118 ICCIDs and IMEIs end in one). */
export function luhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function iccidFor(mcc: string, index: number, generation: number): string {
  const body = `89${mcc.slice(0, 2)}0${String(index).padStart(7, '0')}${String(generation).padStart(6, '0')}`.slice(
    0,
    18,
  );
  return body + luhn(body);
}

/** A closed route around the device's site: a loop of waypoints ~10–40 km out, driven at 40–90 km/h. */
export function routePosition(
  home: [number, number],
  seed: number,
  t: number,
): { lat: number; lon: number; speed: number; track: number } {
  const n = 5;
  const points = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n + seed;
    const km = 10 + ((seed * 37 + i * 13) % 30);
    return [
      home[0] + (km / 111) * Math.sin(a),
      home[1] + (km / (111 * Math.cos((home[0] * Math.PI) / 180))) * Math.cos(a),
    ];
  });
  const speed = (40 + (seed % 50)) / 3.6;
  const legs = points.map((p, i) => [p, points[(i + 1) % n]] as const);
  const lengthM = legs.map(([a, b]) =>
    Math.hypot((b[0] - a[0]) * 111_000, (b[1] - a[1]) * 111_000 * Math.cos((a[0] * Math.PI) / 180)),
  );
  const loop = lengthM.reduce((x, y) => x + y, 0);
  let along = ((t / 1000) * speed) % loop;
  for (let i = 0; i < n; i++) {
    if (along <= lengthM[i]) {
      const [a, b] = legs[i];
      const f = along / lengthM[i];
      const track = ((Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI + 360) % 360;
      return { lat: a[0] + (b[0] - a[0]) * f, lon: a[1] + (b[1] - a[1]) * f, speed, track };
    }
    along -= lengthM[i];
  }
  return { lat: points[0][0], lon: points[0][1], speed, track: 0 };
}

/** RSRP (dBm) at a place and time: a coverage pattern over the map, a daily load dip, noise. */
export function simRsrp(lat: number, lon: number, t: number, noise: number): number {
  const coverage = Math.abs(Math.sin(lat * 40) * Math.cos(lon * 30));
  const load = Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS);
  return Math.round(-82 - 32 * coverage - 4 * load + noise * 6);
}

export function simCellularFeature(d: SimDeviceContext, o: { intervalS?: number } = {}): AgentFeature {
  const r = d.random;
  const carrier = SIM_CARRIERS[d.index % SIM_CARRIERS.length];
  const home = SITE_POINT[d.profile.site] ?? SITE_POINT.north;
  const vehicle = d.index % 5 === 0;
  const swaps = r() < 0.05;
  const nsa = d.index % 3 === 0;
  const [manufacturer, model, firmware] = nsa ? MODELS.nsa : MODELS.lte;
  const imeiBody = `86${String(d.index).padStart(12, '0')}`;
  const imei = imeiBody + luhn(imeiBody);
  const fixed: [number, number] = [home[0] + (r() - 0.5) * 0.4, home[1] + (r() - 0.5) * 0.6];
  const bytesPerS = 500 + r() * 4000;
  const startedAt = Date.now();
  let state: CounterState | null = null;

  const where = (t: number) =>
    vehicle ? routePosition(home, d.index, t) : { lat: fixed[0], lon: fixed[1], speed: 0, track: 0 };

  const modems: ModemReader = {
    async read(): Promise<CellModem[]> {
      const t = Date.now();
      const p = where(t);
      // A vehicle east of its home's meridian + 0.15° is across the border, on a partner network.
      const roaming = vehicle && p.lon > home[1] + 0.15;
      const op = roaming ? ROAM_PARTNER : carrier;
      const generation = swaps ? Math.floor((t - startedAt) / (6 * 3_600_000) + d.index) : 0;
      const technologies = nsa ? ['lte', '5gnr'] : ['lte'];
      const rsrp = simRsrp(p.lat, p.lon, t, r() - 0.5);
      const signal: CellModem['signal'] = {
        lte: { rsrp, rsrq: Math.round(-8 + (rsrp + 90) / 6), rssi: rsrp + 20, snr: Math.round((rsrp + 120) / 3) },
      };
      if (nsa) signal.nr5g = { rsrp: rsrp - 4, rsrq: -11, snr: Math.round((rsrp + 116) / 3) };
      return [
        {
          index: 0,
          manufacturer,
          model,
          firmware,
          equipmentId: imei,
          state: 'connected',
          accessTechnologies: technologies,
          rat: ratOf(technologies),
          signalQuality: Math.max(0, Math.min(100, Math.round((rsrp + 140) * 1.5))),
          registration: roaming ? 'roaming' : 'home',
          roaming,
          operator: { name: op[0], mcc: op[1], mnc: op[2] },
          sim: {
            iccid: iccidFor(carrier[1], d.index, generation),
            imsi: `${carrier[1]}${carrier[2]}${String(d.index).padStart(15 - carrier[1].length - carrier[2].length, '0')}`,
            operator: { name: carrier[0], mcc: carrier[1], mnc: carrier[2] },
          },
          signal,
          apn: 'internet',
          interface: 'wwan0',
        },
      ];
    },
  };
  return createCellularFeature({
    modems,
    counters: () => {
      const s = (Date.now() - startedAt) / 1000;
      return [{ name: 'wwan0', rxBytes: Math.round(s * bytesPerS * 0.8), txBytes: Math.round(s * bytesPerS * 0.2) }];
    },
    bootId: () => `sim-boot-${d.index}`,
    state: {
      load: async () => state,
      save: async (s) => {
        state = s;
      },
    },
    location(): GeoFix {
      const t = Date.now();
      const p = where(t);
      return {
        lat: p.lat,
        lon: p.lon,
        mode: 3,
        accuracyM: 4 + r() * 6,
        speedMps: p.speed,
        trackDeg: p.track,
        fixAt: t,
      };
    },
    intervalS: o.intervalS ?? 300,
  });
}
