// A small CA for renewal tests: signs device CSRs with chosen validity, as the hub would.
import { subtle, x509 } from '../../../hub/src/domains/pki/x509-provider.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestCa {
  caPem: string;
  /** Signs the CSR's key for `cn` (the CSR's own subject is ignored, as the hub does at enrollment). */
  issue(csrPem: string, cn: string, notBefore: number, notAfter: number): Promise<string>;
}

export async function createTestCa(): Promise<TestCa> {
  const keys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: [{ CN: ['Test Device CA'] }],
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  let serial = 1;
  return {
    caPem: ca.toString('pem') + '\n',
    async issue(csrPem, cn, notBefore, notAfter) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: (++serial).toString(16).padStart(2, '0'),
        subject: [{ CN: [cn] }],
        issuer: ca.subjectName,
        notBefore: new Date(notBefore),
        notAfter: new Date(notAfter),
        publicKey: csr.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ALG,
      });
      return leaf.toString('pem') + '\n';
    },
  };
}
