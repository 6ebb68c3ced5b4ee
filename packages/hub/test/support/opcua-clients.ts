import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { hash } from '@node-rs/argon2';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from 'node-opcua';

export interface OpcUaUserConfig {
  username: string;
  passwordHash: string;
  role: 'operator' | 'viewer';
}

/**
 * SCADA clients of the hub's OPC UA server (node-opcua, Basic256Sha256 SignAndEncrypt by
 * default): one client certificate, placed in the hub's trusted folder as an operator would,
 * and the server's user list with argon2 hashes of one password.
 */
export interface OpcUaClients {
  /** The `opcua.users` of the hub's configuration. */
  users: OpcUaUserConfig[];
  client(mode?: MessageSecurityMode, policy?: SecurityPolicy): OPCUAClient;
  user(userName: string, password?: string): UserIdentityInfo;
  /** A connected client's session as `who`. */
  session(who: UserIdentityInfo): Promise<ClientSession>;
  dispose(): Promise<void>;
}

export async function prepareOpcUaClients(o: {
  /** The hub's data directory (before the hub starts: the trusted folder is read at start). */
  hubDir: string;
  users: Array<{ username: string; role: 'operator' | 'viewer' }>;
  password: string;
  /** The server's endpoint, known once the hub runs. */
  endpoint: () => string;
}): Promise<OpcUaClients> {
  const pki = mkdtempSync(join(tmpdir(), 'outpost-opcua-client-'));
  const certs = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
  const made: OPCUAClient[] = [];
  const client = (mode = MessageSecurityMode.SignAndEncrypt, policy = SecurityPolicy.Basic256Sha256) => {
    const c = OPCUAClient.create({
      applicationName: 'scada-test',
      securityMode: mode,
      securityPolicy: policy,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      clientCertificateManager: certs,
      certificateFile: join(pki, 'own', 'certs', 'client.pem'),
      privateKeyFile: join(pki, 'own', 'private', 'private_key.pem'),
    });
    made.push(c);
    return c;
  };
  await certs.initialize();
  const first = client();
  await first.createDefaultCertificate();
  const trusted = join(o.hubDir, 'opcua', 'pki', 'trusted', 'certs');
  mkdirSync(trusted, { recursive: true });
  copyFileSync(first.certificateFile, join(trusted, basename(first.certificateFile)));
  const users: OpcUaUserConfig[] = [];
  for (const u of o.users) users.push({ ...u, passwordHash: await hash(o.password) });
  return {
    users,
    client,
    user: (userName, password = o.password) => ({ type: UserTokenType.UserName, userName, password }),
    async session(who) {
      const c = client();
      await c.connect(o.endpoint());
      return c.createSession(who);
    },
    async dispose() {
      for (const c of made) await c.disconnect().catch(() => {});
      await certs.dispose();
      rmSync(pki, { recursive: true, force: true });
    },
  };
}
