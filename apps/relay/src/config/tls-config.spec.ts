import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSelfSignedCertificate, writeCertificateFiles, type TestCertificate } from '../../../../test/support/self-signed-certificate';
import { ConfigError, loadRelayConfig } from './relay-config';

const minimal = { KAFKA_BROKERS: 'localhost:9092', TENCENT_SDK_APP_IDS: '1400000001' };

describe('loadRelayConfig: TLS_CERT_FILE / TLS_KEY_FILE', () => {
  let dir: string;
  let certificate: TestCertificate;
  let other: TestCertificate;
  const files = () => ({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') });
  const env = (overrides: Record<string, string | undefined> = {}) => ({ ...minimal, TLS_CERT_FILE: files().certFile, TLS_KEY_FILE: files().keyFile, ...overrides });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-tls-config-'));
    [certificate, other] = await Promise.all([makeSelfSignedCertificate(), makeSelfSignedCertificate()]);
    writeCertificateFiles(certificate, files());
    writeFileSync(join(dir, 'other.key'), other.key);
    writeFileSync(join(dir, 'garbage.pem'), 'not a PEM file\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves plain HTTP when neither is set', () => {
    expect(loadRelayConfig(minimal).tls).toBeUndefined();
  });

  it('reads and checks both files when both are set, with the reload interval (default 60 s)', () => {
    const tls = loadRelayConfig(env()).tls;
    expect(tls).toMatchObject({ ...files(), reloadIntervalMs: 60_000, credentials: { subject: 'CN=localhost', fingerprint256: certificate.fingerprint256 } });
    expect(tls?.credentials.cert.toString()).toBe(certificate.cert);
    expect(tls?.credentials.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(loadRelayConfig(env({ TLS_RELOAD_INTERVAL_MS: '250' })).tls?.reloadIntervalMs).toBe(250);
  });

  it.each([
    [{ TLS_KEY_FILE: undefined }, 'TLS_KEY_FILE', 'must be set together with the other of TLS_CERT_FILE / TLS_KEY_FILE (neither: plain HTTP)'],
    [{ TLS_CERT_FILE: undefined }, 'TLS_CERT_FILE', 'must be set together with the other of TLS_CERT_FILE / TLS_KEY_FILE'],
    [{ TLS_CERT_FILE: '/nonexistent/tls.crt' }, 'TLS_CERT_FILE', 'cannot be read from "/nonexistent/tls.crt": ENOENT'],
    [{ TLS_KEY_FILE: '/nonexistent/tls.key' }, 'TLS_KEY_FILE', 'cannot be read from "/nonexistent/tls.key": ENOENT'],
    [{ TLS_CERT_FILE: 'GARBAGE' }, 'TLS_CERT_FILE', 'garbage.pem" holds no PEM certificate'],
    [{ TLS_KEY_FILE: 'GARBAGE' }, 'TLS_KEY_FILE', 'garbage.pem" holds no PEM private key'],
    [{ TLS_CERT_FILE: 'KEY' }, 'TLS_CERT_FILE', 'tls.key" holds no PEM certificate'],
    [{ TLS_KEY_FILE: 'CERT' }, 'TLS_KEY_FILE', 'tls.crt" holds no PEM private key'],
    [{ TLS_KEY_FILE: 'OTHER_KEY' }, 'TLS_KEY_FILE', 'other.key" is not the private key of the certificate in'],
    [{ TLS_RELOAD_INTERVAL_MS: '10' }, 'TLS_RELOAD_INTERVAL_MS', 'must be an integer from 100 to 86400000, got "10"'],
  ])('stops on %j naming %s', (overrides, variable, problem) => {
    const paths: Record<string, string> = { GARBAGE: join(dir, 'garbage.pem'), KEY: files().keyFile, CERT: files().certFile, OTHER_KEY: join(dir, 'other.key') };
    const resolved = Object.fromEntries(Object.entries(overrides).map(([name, value]) => [name, value === undefined ? undefined : (paths[value] ?? value)]));
    const load = () => loadRelayConfig(env(resolved));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^Invalid configuration: ${variable} .*${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('names the file at fault and says how when the key is encrypted', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const encrypted = createPrivateKey(certificate.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' });
    writeFileSync(join(dir, 'encrypted.key'), encrypted);
    expect(() => loadRelayConfig(env({ TLS_KEY_FILE: join(dir, 'encrypted.key') }))).toThrow(
      `Invalid configuration: TLS_KEY_FILE "${join(dir, 'encrypted.key')}" holds no unencrypted PEM private key (it is encrypted: give the key without a passphrase)`,
    );
  });
});
