// Verifies a hub's TLS chain against a CA pinned by fingerprint, for the
// first contact when the device holds no CA certificate yet (only the
// fingerprint carried by its enrollment token).
import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';

export type PinErrorCode = 'ca_pin_mismatch' | 'server_cert_invalid';

export class PinError extends Error {
  constructor(
    readonly code: PinErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PinError';
  }
}

const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1'; // id-kp-serverAuth, RFC 5280 §4.2.1.12

/** "AB:CD:…" or "abcd…" → 64 lowercase hex characters; throws on anything else. */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.trim().toLowerCase().replace(/:/g, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('CA fingerprint must be a SHA-256 digest (64 hex characters)');
  return hex;
}

/** Throws PinError unless the peer chain contains the pinned CA and a valid server leaf for `host` below it. */
export function verifyPinnedPeer(socket: TLSSocket, host: string, pin: string): void {
  const chain = peerChain(socket.getPeerCertificate(true));
  const caIndex = chain.findIndex((c) => createHash('sha256').update(c.raw).digest('hex') === pin);
  if (caIndex < 0) throw new PinError('ca_pin_mismatch', 'the server certificate chain does not contain the pinned CA');
  if (caIndex === 0)
    throw new PinError('server_cert_invalid', 'the server presented the CA certificate itself as its identity');
  const certs = chain.slice(0, caIndex + 1).map((c) => new X509Certificate(c.raw));
  for (let i = 0; i < caIndex; i++) {
    const issuer = certs[i + 1];
    if (!issuer.ca || !certs[i].checkIssued(issuer) || !certs[i].verify(issuer.publicKey)) {
      throw new PinError(
        'server_cert_invalid',
        `certificate "${certs[i].subject}" is not validly signed by "${issuer.subject}"`,
      );
    }
  }
  checkLeaf(chain[0], certs[0], host);
}

function checkLeaf(peer: DetailedPeerCertificate, leaf: X509Certificate, host: string): void {
  const now = Date.now();
  if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) {
    throw new PinError(
      'server_cert_invalid',
      `the server certificate is not valid now (${leaf.validFrom} – ${leaf.validTo})`,
    );
  }
  // Device certificates come from the same CA; the EKU keeps them from posing as the hub.
  if (peer.ext_key_usage !== undefined && !peer.ext_key_usage.includes(SERVER_AUTH_OID)) {
    throw new PinError(
      'server_cert_invalid',
      'the server certificate is not meant for TLS servers (no serverAuth usage)',
    );
  }
  const nameError = checkServerIdentity(host, peer);
  if (nameError) throw new PinError('server_cert_invalid', nameError.message);
}

/** Leaf first; stops where a certificate is its own issuer or links back into the chain. */
function peerChain(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = leaf;
  while (cur?.raw && !seen.has(cur.fingerprint256)) {
    chain.push(cur);
    seen.add(cur.fingerprint256);
    cur = cur.issuerCertificate;
  }
  return chain;
}
