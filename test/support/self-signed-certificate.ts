import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { generate } from 'selfsigned';

/** A certificate made for one test: PEM certificate and key, and the fingerprint a client sees. */
export interface TestCertificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint as `tls.PeerCertificate.fingerprint256` spells it (`AA:BB:…`). */
  fingerprint256: string;
}

/**
 * A self-signed certificate for `localhost` and 127.0.0.1 (EC P-256, SHA-256), valid from an
 * hour ago for a day unless `validity` says otherwise. A client trusts it by passing `cert` as its CA.
 */
export async function makeSelfSignedCertificate(commonName = 'localhost', validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<TestCertificate> {
  const notBeforeDate = validity.notBefore ?? new Date(Date.now() - 3_600_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: validity.notAfter ?? new Date(notBeforeDate.getTime() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}

/** Writes a certificate's files (as a renewal would: whole files replaced). */
export function writeCertificateFiles(certificate: TestCertificate, files: { certFile: string; keyFile: string }): void {
  writeFileSync(files.certFile, certificate.cert);
  writeFileSync(files.keyFile, certificate.key);
}
