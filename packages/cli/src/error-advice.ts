// What a failed command prints: the hub's own error as it is, and for the usual first-day mistakes
// (no hub at that address, http:// for an HTTPS hub, a CA the command does not trust) what to do.

const UNTRUSTED_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

type NodeError = Error & { code?: string; address?: string; port?: number; hostname?: string; cause?: unknown };

function codeOf(err: NodeError): { code: string; e: NodeError } {
  for (let e: NodeError | undefined = err, i = 0; e && i < 4; e = e.cause as NodeError | undefined, i++)
    if (e.code) return { code: e.code, e };
  return { code: '', e: err };
}

/** One line for a failed command, with the fix when the cause is a known mistake. */
export function adviceFor(err: unknown): string {
  if (!(err instanceof Error)) return `error: ${String(err)}`;
  const { code, e } = codeOf(err as NodeError);
  if (code === 'ECONNREFUSED') {
    const at = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'that address';
    return (
      `error: nothing answers at ${at}: is the hub running at ${at}? ` +
      'Give its address with --hub https://host:8443 (or OUTPOST_HUB); the hub prints it when it starts'
    );
  }
  if (code === 'ENOTFOUND')
    return `error: the hub's host name ${e.hostname ?? ''} does not resolve: check --hub (or OUTPOST_HUB)`;
  if (code === 'ERR_INVALID_PROTOCOL' || /Protocol "http:" not supported/.test(err.message))
    return 'error: the hub speaks HTTPS only: give --hub https://host:8443 (not http://)';
  if (UNTRUSTED_CA.has(code))
    return (
      "error: the hub's certificate is not signed by a CA this command trusts: " +
      'use --ca-file <hub data directory>/pki/ca.crt (or OUTPOST_CA_FILE); outpost login keeps it for later commands'
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `error: the hub's certificate does not name this address: ${err.message}; use the name it was issued for (OUTPOST_PUBLIC_HOST)`;
  if (code === 'ECONNRESET' || code === 'EPROTO')
    return `error: ${err.message}: is this the hub's HTTPS port? Give --hub https://host:8443`;
  return `error: ${err.message}`;
}
