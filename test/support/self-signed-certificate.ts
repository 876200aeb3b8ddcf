import { X509Certificate } from 'node:crypto';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Certificate files replaced the way a Kubernetes Secret volume replaces them: each version in a
 * folder of its own, and `live` a symlink swapped to the new folder in one rename, so a reader never
 * sees a new certificate beside an old key. `files` are the paths a server is given.
 */
export class CertificateFolder {
  readonly files: { certFile: string; keyFile: string };
  private version = 0;

  constructor(private readonly root: string) {
    this.files = { certFile: join(root, 'live', 'tls.crt'), keyFile: join(root, 'live', 'tls.key') };
  }

  /** Puts `certificate` in place atomically. */
  install(certificate: TestCertificate): void {
    const folder = `v${++this.version}`;
    mkdirSync(join(this.root, folder));
    writeCertificateFiles(certificate, { certFile: join(this.root, folder, 'tls.crt'), keyFile: join(this.root, folder, 'tls.key') });
    const link = join(this.root, `live.${this.version}`);
    symlinkSync(folder, link);
    renameSync(link, join(this.root, 'live'));
  }
}
