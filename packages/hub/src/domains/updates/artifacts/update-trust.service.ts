import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import {
  checkRoot,
  checkRotation,
  compileValidator,
  metadataSigningBytes,
  SignedRoot,
  MAX_ROOT_CHAIN,
  type ManifestBody,
  type RootBody,
  type UpdateSignature,
} from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { NotFound, ValidationError } from '../../../platform/errors.js';
import type { AuditLog } from '../../audit/index.js';
import type { Actor } from '../../audit/index.js';
import { decryptWithKek, encryptWithKek } from '../../../platform/kek-seal.js';
import { TrustRootInvalid } from './artifact-errors.js';
import type { ArtifactsStore } from './artifacts.store.js';
import { nodeTrustCrypto } from '@outpost/protocol/node';

// The update trust root the hub hands to devices (at enrollment and with every job) and the
// release keys it may hold. The hub never makes a root: roots are signed by release keys on
// the releaser's machine (`outpost artifact root`); the hub only checks and stores them.

const KEY_AAD = 'outpost:updates:release-key:v1';
const validateRoot = compileValidator(SignedRoot);

export interface UpdateTrustDeps {
  store: ArtifactsStore;
  audit: AuditLog;
  clock: Clock;
  kek: Buffer;
}

export interface UpdateTrust {
  setRoot: (actor: Actor, input: unknown) => Promise<RootBody>;
  current: () => Promise<SignedRoot | null>;
  /**
   * The roots sent with every job, oldest first, bounded: a device walks a rotation along them,
   * and a device without a root (enrolled before there was one) takes the oldest, self-signed.
   */
  chain(): Promise<SignedRoot[]>;
  history(): Promise<
    {
      version: number;
      expires: string;
      threshold: number;
      keys: string[];
    }[]
  >;
  createKey: (
    actor: Actor,
    name: string,
  ) => Promise<{
    keyid: string;
    name: string;
    publicKeyPem: string;
  }>;
  signWith: (keyid: string, body: ManifestBody) => Promise<UpdateSignature>;
  keys: () => Promise<
    {
      keyid: string;
      name: string;
      publicKeyPem: string;
      createdAt: string;
      createdBy: string;
    }[]
  >;
}

export function createUpdateTrust(d: UpdateTrustDeps): UpdateTrust {
  // Read each time, not cached: another hub replica on the same database may rotate the root, and
  // a replica must not go on trusting the keys a rotation replaced. Roots are read rarely (uploads).
  const roots = (): Promise<SignedRoot[]> => d.store.roots();

  async function current(): Promise<SignedRoot | null> {
    const all = await roots();
    return all.length ? all[all.length - 1] : null;
  }

  /** Stores a first root (self-signed by its threshold) or the next one (signed by the old threshold too). */
  async function setRoot(actor: Actor, input: unknown): Promise<RootBody> {
    const v = validateRoot.check(input);
    if (!v.ok)
      throw new ValidationError(`root: ${v.message}`, { path: `/root${v.path && v.path !== '/' ? v.path : ''}` });
    const root = v.value;
    const cur = await current();
    const r = cur ? checkRotation(cur.signed, root, nodeTrustCrypto) : checkRoot(root, nodeTrustCrypto);
    if (!r.ok) throw new TrustRootInvalid(r.message, { reason: r.reason });
    if (Date.parse(root.signed.expires) <= d.clock.now().getTime())
      throw new TrustRootInvalid(`root v${root.signed.version} has already expired`, { reason: 'root_expired' });
    if (!(await d.store.insertRoot(root, actor.id, d.clock.now().toISOString())))
      throw new TrustRootInvalid(`root v${root.signed.version} is already stored`, { reason: 'root_version' });
    await d.audit.record({
      actor,
      action: cur ? 'update_root.rotate' : 'update_root.set',
      target: `update_root:${root.signed.version}`,
      details: {
        threshold: root.signed.threshold,
        keys: root.signed.keys.map((k) => k.keyid.slice(0, 16)),
        expires: root.signed.expires,
      },
    });
    return root.signed;
  }

  /** Generates a release key held by the hub (private half encrypted with the KEK). */
  async function createKey(actor: Actor, name: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyid = nodeTrustCrypto.keyId(publicPem);
    const privateEnc = encryptWithKek(d.kek, privateKey.export({ type: 'pkcs8', format: 'der' }), KEY_AAD).toString(
      'base64',
    );
    await d.store.insertKey({
      keyid,
      name,
      publicPem,
      privateEnc,
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
    });
    await d.audit.record({
      actor,
      action: 'update_key.create',
      target: `update_key:${keyid.slice(0, 16)}`,
      details: { name },
    });
    return { keyid, name, publicKeyPem: publicPem };
  }

  /** Signs with a hub-held key; the device still decides by its trust root whether that key counts. */
  async function signWith(keyid: string, body: ManifestBody): Promise<UpdateSignature> {
    const k = await d.store.key(keyid);
    if (!k) throw new NotFound('release key', keyid);
    const der = decryptWithKek(d.kek, Buffer.from(k.privateEnc, 'base64'), KEY_AAD);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { keyid, sig: sign(null, metadataSigningBytes(body), key).toString('base64') };
  }

  return {
    setRoot,
    current,
    /**
     * The roots sent with every job, oldest first, bounded: a device walks a rotation along them,
     * and a device without a root (enrolled before there was one) takes the oldest, self-signed.
     */
    async chain(): Promise<SignedRoot[]> {
      return (await roots()).slice(-MAX_ROOT_CHAIN);
    },
    async history() {
      return (await roots()).map((r) => ({
        version: r.signed.version,
        expires: r.signed.expires,
        threshold: r.signed.threshold,
        keys: r.signed.keys.map((k) => k.keyid),
      }));
    },
    createKey,
    signWith,
    keys: async () =>
      (await d.store.keys()).map((k) => ({
        keyid: k.keyid,
        name: k.name,
        publicKeyPem: k.publicPem,
        createdAt: k.createdAt,
        createdBy: k.createdBy,
      })),
  };
}
