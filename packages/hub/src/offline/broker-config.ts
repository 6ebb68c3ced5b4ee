import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { HubConfig } from '../config/config.js';
import { systemClock } from '../platform/clock.js';
import { lockDataDir } from '../platform/data-dir-lock.js';
import { openHubDatabase } from '../domains/hub-modules.js';
import { createCertificatesStore } from '../domains/enrollment/index.js';
import { readKek } from '../domains/pki/kek.js';
import { loadCaSet } from '../domains/pki/ca-set.js';
import { EC_P256, ECDSA_SHA256, subtle, x509 } from '../domains/pki/x509-provider.js';
import { BACKEND_USER, mosquittoConfigFiles } from '../mqtt/mosquitto-config.js';

export class BrokerConfigRefused extends Error {
  constructor(
    readonly code: 'no_data_directory' | 'kek_required' | 'unsupported_kind' | 'bad_option',
    message: string,
  ) {
    super(message);
    this.name = 'BrokerConfigRefused';
  }
}

export interface BrokerConfigOptions {
  config: HubConfig;
  kind: string;
  out: string;
  /** Names and addresses devices and hubs use to reach the broker (go into its server certificate). */
  hosts: string[];
  devicePort: number;
  backendPort: number;
  bind: string;
  /** Where the files will be on the broker's machine (default: `out`). */
  brokerDir?: string;
  runAs?: string;
  dynsecPlugin?: string;
  /**
   * An earlier output directory whose backend CA and hub client certificate to keep: every broker of
   * a fleet must accept the one certificate the hub replicas present.
   */
  backendFrom?: string;
}

/** How long the revocation list written here stays valid; the hub rewrites it on every revocation and daily. */
export const CRL_VALID_MS = 7 * 86_400_000;
const YEAR_MS = 365 * 86_400_000;

/**
 * `outpost hub broker-config --kind mosquitto --out DIR`: writes a broker configuration for the
 * hub's fleet, with the hub stopped (it takes the data directory's lock): the device CA set, a
 * server certificate from the hub's CA, the current revocation list, the ACL, and a backend CA with
 * the one client certificate hub replicas use (its key is not kept: run again to issue another).
 */
export async function writeBrokerConfig(o: BrokerConfigOptions): Promise<{ files: string[] }> {
  if (o.kind !== 'mosquitto')
    throw new BrokerConfigRefused(
      'unsupported_kind',
      `--kind ${o.kind}: only mosquitto is generated (docs/BROKERS.md)`,
    );
  if (o.hosts.length === 0) throw new BrokerConfigRefused('bad_option', 'give at least one --host');
  for (const p of [o.devicePort, o.backendPort])
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new BrokerConfigRefused('bad_option', `bad port ${p}`);
  if (o.devicePort === o.backendPort)
    throw new BrokerConfigRefused('bad_option', 'devices and hubs need two different ports');
  const { config } = o;
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'outpost.db')))
    throw new BrokerConfigRefused('no_data_directory', `${config.dataDir} holds no hub data (start the hub once)`);
  const lock = lockDataDir(config.dataDir, 'broker-config');
  try {
    const kek = await readKek({ dataDir: config.dataDir, envValue: config.kek, file: config.kekFile });
    if (!kek) throw new BrokerConfigRefused('kek_required', `no KEK for ${config.dataDir}`);
    const db = await openHubDatabase(config.dataDir, config.databaseUrl);
    try {
      const ca = await loadCaSet({ db, dataDir: config.dataDir, kek, clock: systemClock });
      const revoked = await createCertificatesStore(db).revokedUnexpired(new Date().toISOString());
      const server = await ca.serving().issueServerCert({
        hostnames: o.hosts.filter((h) => !isIP(h)),
        ips: o.hosts.filter((h) => isIP(h)),
      });
      const backend = o.backendFrom ? readBackendIdentity(o.backendFrom) : await backendIdentity();
      const out = resolve(o.out);
      mkdirSync(join(out, 'data'), { recursive: true, mode: 0o700 });
      const generated = mosquittoConfigFiles({
        dir: o.brokerDir ?? out,
        bind: o.bind,
        devicePort: o.devicePort,
        backendPort: o.backendPort,
        runAs: o.runAs,
        dynsecPlugin: o.dynsecPlugin,
      });
      const files: Record<string, [string, number]> = {
        'mosquitto.conf': [generated['mosquitto.conf'], 0o644],
        acl: [generated.acl, 0o644],
        'dynsec.json': [generated['dynsec.json'], 0o600],
        'ca.crt': [ca.certPem, 0o644],
        'crl.pem': [await ca.revocationLists(revoked, CRL_VALID_MS), 0o644],
        'server.crt': [server.certPem, 0o644],
        'server.key': [server.keyPem, 0o600],
        'backend-ca.crt': [backend.caPem, 0o644],
        // For the hub replicas (OUTPOST_BROKER_DIR), not for the broker.
        'hub-client.crt': [backend.certPem, 0o644],
        'hub-client.key': [backend.keyPem, 0o600],
      };
      for (const [name, [text, mode]] of Object.entries(files)) writeFileSync(join(out, name), text, { mode });
      return { files: Object.keys(files) };
    } finally {
      await db.destroy();
    }
  } finally {
    lock.release();
  }
}

function readBackendIdentity(dir: string): { caPem: string; certPem: string; keyPem: string } {
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new BrokerConfigRefused('bad_option', `--backend-from: ${path} is missing`);
    return readFileSync(path, 'utf8');
  };
  return { caPem: read('backend-ca.crt'), certPem: read('hub-client.crt'), keyPem: read('hub-client.key') };
}

/** A CA only for the broker's backend listener, and the hub replicas' client certificate from it. */
async function backendIdentity(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const now = Date.now();
  const notBefore = new Date(now - 5 * 60_000);
  const notAfter = new Date(now + 2 * YEAR_MS);
  const caKeys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(12).toString('hex'),
    name: 'CN=Outpost broker backend CA',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(12).toString('hex'),
    subject: `CN=${BACKEND_USER}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { caPem: ca.toString('pem') + '\n', certPem: leaf.toString('pem') + '\n', keyPem: keyPem + '\n' };
}
