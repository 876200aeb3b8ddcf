import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

/** Where the webhook server's certificate (chain, leaf first) and its private key are read from. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** A certificate and key that were checked to belong together, as bytes for `https.createServer` / `setSecureContext`. */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
  /** Subject of the leaf certificate, for logs. */
  subject: string;
  /** End of the leaf certificate's validity. */
  notAfter: Date;
  /** SHA-256 fingerprint of the leaf certificate (`AA:BB:…`), as a client sees it. */
  fingerprint256: string;
}

/** Which of the two files a problem is in. */
export type TlsFileRole = 'cert' | 'key';

/** A certificate or key file that cannot be read or does not hold what it must; the message names the file. */
export class TlsCredentialsError extends Error {
  override readonly name = 'TlsCredentialsError';
  constructor(
    readonly file: TlsFileRole,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function readError(file: TlsFileRole, path: string, error: unknown): TlsCredentialsError {
  return new TlsCredentialsError(file, `cannot be read from "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
}

/**
 * Checks that `cert` is a PEM certificate (chain), `key` an unencrypted PEM private key, that the
 * key is the leaf certificate's, and that Node's TLS accepts the pair as a secure context.
 * @throws {TlsCredentialsError} naming the file at fault.
 */
export function parseTlsCredentials(files: TlsFiles, cert: Buffer, key: Buffer): TlsCredentials {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new TlsCredentialsError('cert', `"${files.certFile}" holds no PEM certificate`, { cause: error });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    // PKCS#8 `BEGIN ENCRYPTED PRIVATE KEY`, or the traditional `Proc-Type: 4,ENCRYPTED` header.
    const encrypted = key.includes('ENCRYPTED');
    throw new TlsCredentialsError('key', `"${files.keyFile}" holds no ${encrypted ? 'unencrypted ' : ''}PEM private key${encrypted ? ' (it is encrypted: give the key without a passphrase)' : ''}`, {
      cause: error,
    });
  }
  if (privateKey.type !== 'private' || !leaf.checkPrivateKey(privateKey)) {
    throw new TlsCredentialsError('key', `"${files.keyFile}" is not the private key of the certificate in "${files.certFile}"`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsCredentialsError('cert', `"${files.certFile}" with "${files.keyFile}" is refused by TLS: ${(error as Error).message}`, { cause: error });
  }
  return { cert, key, subject: leaf.subject.replaceAll('\n', ', '), notAfter: new Date(leaf.validTo), fingerprint256: leaf.fingerprint256 };
}

/** Reads and checks both files at start (synchronously, like the rest of the configuration). */
export function readTlsCredentialsSync(files: TlsFiles): TlsCredentials {
  const read = (role: TlsFileRole, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw readError(role, path, error);
    }
  };
  return parseTlsCredentials(files, read('cert', files.certFile), read('key', files.keyFile));
}

/** Reads both files without blocking the event loop; the bytes are checked by {@link parseTlsCredentials}. */
export async function readTlsFiles(files: TlsFiles): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (role: TlsFileRole, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (error) {
      throw readError(role, path, error);
    }
  };
  const [cert, key] = await Promise.all([read('cert', files.certFile), read('key', files.keyFile)]);
  return { cert, key };
}
