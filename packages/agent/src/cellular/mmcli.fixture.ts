// `mmcli -J` output of four modems as ModemManager 1.20 prints it (abridged to the sections the
// agent reads, keys and value spellings unchanged): an LTE modem roaming, a 5G NSA modem, one
// without a SIM and one whose SIM waits for its PIN. Keyed by the arguments after `-J`.

const MM = '/org/freedesktop/ModemManager1';

const signalNone = { 'error-rate': '--', rsrp: '--', rsrq: '--', rssi: '--', snr: '--' };
const signalSection = (lte: object, nr: object) => ({
  modem: {
    signal: {
      '5g': { 'error-rate': '--', rsrp: '--', rsrq: '--', snr: '--', ...nr },
      cdma1x: { ecio: '--', 'error-rate': '--', rssi: '--' },
      evdo: { ecio: '--', 'error-rate': '--', io: '--', rssi: '--', sinr: '--' },
      gsm: { 'error-rate': '--', rssi: '--' },
      lte: { ...signalNone, ...lte },
      refresh: { rate: '30' },
      threshold: { 'error-rate': 'no', rssi: '0' },
      umts: { ecio: '--', 'error-rate': '--', rscp: '--', rssi: '--' },
    },
  },
});

function modem(index: number, generic: object, threeGpp: object) {
  return {
    modem: {
      '3gpp': {
        'enabled-locks': [],
        eps: { 'ue-mode-operation': 'csps-2' },
        imei: '--',
        'operator-code': '--',
        'operator-name': '--',
        'packet-service-state': '--',
        pco: '--',
        'registration-state': '--',
        ...threeGpp,
      },
      cdma: {
        activation: '--',
        'cdma1x-registration-state': '--',
        esn: '--',
        'evdo-registration-state': '--',
        meid: '--',
        nid: '--',
        sid: '--',
      },
      'dbus-path': `${MM}/Modem/${index}`,
      generic: {
        'access-technologies': [],
        bearers: [],
        'carrier-configuration': '--',
        'current-capabilities': ['gsm-umts, lte'],
        'current-modes': 'allowed: 3g, 4g; preferred: 4g',
        device: `/sys/devices/platform/soc/usb${index}`,
        'device-identifier': `7f1a2b3c4d5e6f70819203a4b5c6d7e8f901234${index}`,
        drivers: ['qmi_wwan', 'option'],
        'equipment-identifier': '--',
        'hardware-revision': '--',
        manufacturer: '--',
        model: '--',
        'own-numbers': [],
        plugin: '--',
        ports: [`cdc-wdm${index} (qmi)`, `wwan${index} (net)`],
        'power-state': 'on',
        'primary-port': `cdc-wdm${index}`,
        'primary-sim-slot': '--',
        revision: '--',
        'signal-quality': { recent: 'no', value: '0' },
        sim: '--',
        'sim-slots': [],
        state: 'unknown',
        'state-failed-reason': '--',
        'unlock-required': '--',
        'unlock-retries': [],
        ...generic,
      },
    },
  };
}

const sim = (index: number, properties: object) => ({
  sim: {
    'dbus-path': `${MM}/SIM/${index}`,
    properties: {
      active: 'yes',
      eid: '--',
      'emergency-numbers': ['112', '911'],
      'esim-status': '--',
      gid1: '--',
      gid2: '--',
      iccid: '--',
      imsi: '--',
      'operator-code': '--',
      'operator-name': '--',
      removability: '--',
      'sim-type': '--',
      ...properties,
    },
  },
});

const bearer = (index: number, apn: string, connected: boolean, iface: string) => ({
  bearer: {
    'dbus-path': `${MM}/Bearer/${index}`,
    'ipv4-config': { method: connected ? 'static' : '--', address: connected ? '10.64.12.7' : '--', prefix: '30' },
    properties: { apn, 'allowed-auth': '--', 'ip-type': 'ipv4v6', password: '--', roaming: 'allowed', user: '--' },
    stats: { 'bytes-rx': '--', 'bytes-tx': '--', duration: '--' },
    status: {
      connected: connected ? 'yes' : 'no',
      interface: connected ? iface : '--',
      'ip-timeout': '20',
      suspended: 'no',
    },
    type: 'default',
  },
});

/** ICCIDs and IMEIs the fixtures use, for assertions. */
export const FIXTURE_IDS = {
  roamingIccid: '89490200001234567895',
  roamingImei: '867929068986349',
  nsaIccid: '89148000005123456781',
  nsaImei: '862146050123456',
  lockedIccid: '8944110068012345674',
  noSimImei: '359072061234567',
};

/** The four modems: 0 LTE roaming, 1 5G NSA, 2 no SIM, 3 SIM PIN required. */
export const MMCLI_FOUR_MODEMS: Record<string, unknown> = {
  '-L': { 'modem-list': [0, 1, 2, 3].map((i) => `${MM}/Modem/${i}`) },
  '-m 0': modem(
    0,
    {
      'access-technologies': ['lte'],
      bearers: [`${MM}/Bearer/0`],
      'equipment-identifier': FIXTURE_IDS.roamingImei,
      manufacturer: 'QUALCOMM INCORPORATED',
      model: 'EG25-G',
      plugin: 'quectel',
      revision: 'EG25GGBR07A08M2G',
      'signal-quality': { recent: 'yes', value: '54' },
      sim: `${MM}/SIM/0`,
      state: 'connected',
      'unlock-required': 'sim-pin2',
      'unlock-retries': ['sim-pin (3)', 'sim-puk (10)'],
    },
    {
      imei: FIXTURE_IDS.roamingImei,
      'operator-code': '23201',
      'operator-name': 'A1',
      'packet-service-state': 'attached',
      'registration-state': 'roaming',
    },
  ),
  '-i 0': sim(0, {
    iccid: FIXTURE_IDS.roamingIccid,
    imsi: '262011234567890',
    'operator-code': '26201',
    'operator-name': 'Telekom.de',
  }),
  '-m 0 --signal-get': signalSection({ rsrp: '-112.00', rsrq: '-14.00', rssi: '-81.00', snr: '2.20' }, {}),
  '-b 0': bearer(0, 'internet.telekom', true, 'wwan0'),
  '-m 1': modem(
    1,
    {
      'access-technologies': ['lte', '5gnr'],
      bearers: [`${MM}/Bearer/1`],
      'current-capabilities': ['gsm-umts, lte, 5gnr'],
      'equipment-identifier': FIXTURE_IDS.nsaImei,
      manufacturer: 'Quectel',
      model: 'RM500Q-GL',
      plugin: 'quectel',
      revision: 'RM500QGLABR11A06M4G',
      'signal-quality': { recent: 'yes', value: '81' },
      sim: `${MM}/SIM/1`,
      state: 'connected',
    },
    {
      imei: FIXTURE_IDS.nsaImei,
      'operator-code': '311480',
      'operator-name': 'Verizon',
      'packet-service-state': 'attached',
      'registration-state': 'home',
    },
  ),
  '-i 1': sim(1, {
    iccid: FIXTURE_IDS.nsaIccid,
    imsi: '311480123456789',
    'operator-code': '311480',
    'operator-name': 'Verizon',
  }),
  '-m 1 --signal-get': signalSection(
    { rsrp: '-88.00', rsrq: '-9.00', rssi: '-61.00', snr: '14.60' },
    { rsrp: '-92.00', rsrq: '-11.00', snr: '18.00' },
  ),
  '-b 1': bearer(1, 'vzwinternet', true, 'wwan1'),
  '-m 2': modem(
    2,
    {
      'equipment-identifier': FIXTURE_IDS.noSimImei,
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'EM7455',
      plugin: 'sierra',
      revision: 'SWI9X30C_02.33.03.00',
      state: 'failed',
      'state-failed-reason': 'sim-missing',
    },
    { imei: FIXTURE_IDS.noSimImei },
  ),
  '-m 2 --signal-get': signalSection({}, {}),
  '-m 3': modem(
    3,
    {
      'equipment-identifier': '--',
      manufacturer: 'Telit',
      model: 'LE910C4-EU',
      plugin: 'telit',
      revision: '25.21.660',
      sim: `${MM}/SIM/3`,
      state: 'locked',
      'unlock-required': 'sim-pin',
      'unlock-retries': ['sim-pin (2)', 'sim-puk (10)'],
    },
    {},
  ),
  '-i 3': sim(3, { iccid: FIXTURE_IDS.lockedIccid }),
  '-m 3 --signal-get': signalSection({}, {}),
};

/** A runner answering from a fixture table (setup calls succeed); unknown arguments fail as mmcli does. */
export function fixtureRunner(table: Record<string, unknown>) {
  const calls: string[] = [];
  const run = async (args: string[]) => {
    const key = args.join(' ');
    calls.push(key);
    if (key.includes('--signal-setup')) return {};
    if (!(key in table)) throw new Error(`error: couldn't find object for ${key}`);
    return structuredClone(table[key]);
  };
  return { run, calls };
}
