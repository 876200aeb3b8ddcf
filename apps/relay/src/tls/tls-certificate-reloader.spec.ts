import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { makeSelfSignedCertificate, writeCertificateFiles, type TestCertificate } from '../../../../test/support/self-signed-certificate';
import { TlsCertificateReloader, type SecureContextTarget } from './tls-certificate-reloader';
import { readTlsCredentialsSync, type TlsFiles } from './tls-credentials';

class RecordingServer implements SecureContextTarget {
  readonly contexts: SecureContextOptions[] = [];
  setSecureContext(options: SecureContextOptions): void {
    this.contexts.push(options);
  }
}

describe('TlsCertificateReloader', () => {
  let dir: string;
  let files: TlsFiles;
  let first: TestCertificate;
  let renewed: TestCertificate;
  let server: RecordingServer;
  let reloader: TlsCertificateReloader;
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    [first, renewed] = await Promise.all([makeSelfSignedCertificate(), makeSelfSignedCertificate()]);
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-tls-reload-'));
    files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    writeCertificateFiles(first, files);
    server = new RecordingServer();
    reloader = new TlsCertificateReloader(server, files, readTlsCredentialsSync(files), 60_000);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    reloader.stop();
    jest.restoreAllMocks();
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the server alone while the files hold the pair it serves', async () => {
    expect(await reloader.check()).toBe('unchanged');
    expect(await reloader.check()).toBe('unchanged');
    expect(server.contexts).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('gives a renewed valid pair to the server once, and logs it once', async () => {
    writeCertificateFiles(renewed, files);
    expect(await reloader.check()).toBe('reloaded');
    expect(await reloader.check()).toBe('unchanged');
    expect(server.contexts).toHaveLength(1);
    expect(server.contexts[0].cert).toEqual(Buffer.from(renewed.cert));
    expect(server.contexts[0].key).toEqual(Buffer.from(renewed.key));
    expect(reloader.credentials.fingerprint256).toBe(renewed.fingerprint256);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatchObject({ message: 'TLS certificate reloaded: new connections get it', fingerprint256: renewed.fingerprint256 });
  });

  it('keeps the current pair while the new certificate does not match the key, warns once at the second sight, and takes the pair once it is whole', async () => {
    writeFileSync(files.certFile, renewed.cert);
    for (let check = 0; check < 3; check++) expect(await reloader.check()).toBe('refused');
    expect(server.contexts).toEqual([]);
    expect(reloader.credentials.fingerprint256).toBe(first.fingerprint256);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({
      message: 'TLS certificate not reloaded: still serving the current one until the files hold a valid pair',
      problem: `key "${files.keyFile}" is not the private key of the certificate in "${files.certFile}"`,
      current: first.fingerprint256,
    });
    writeFileSync(files.keyFile, renewed.key);
    expect(await reloader.check()).toBe('reloaded');
    expect(reloader.credentials.fingerprint256).toBe(renewed.fingerprint256);
  });

  it('does not warn about files seen half renewed once (new certificate, old key) when the next check finds the whole pair', async () => {
    writeFileSync(files.certFile, renewed.cert);
    expect(await reloader.check()).toBe('refused');
    writeFileSync(files.keyFile, renewed.key);
    expect(await reloader.check()).toBe('reloaded');
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns again for other bad contents, and for a file that went missing, but not twice for the same', async () => {
    writeFileSync(files.certFile, 'garbage');
    for (let check = 0; check < 3; check++) expect(await reloader.check()).toBe('refused');
    writeFileSync(files.certFile, 'other garbage');
    expect(await reloader.check()).toBe('refused');
    expect(await reloader.check()).toBe('refused');
    unlinkSync(files.keyFile);
    for (let check = 0; check < 3; check++) expect(await reloader.check()).toBe('refused');
    expect(warn.mock.calls.map(([entry]) => (entry as { problem: string }).problem)).toEqual([
      `certificate "${files.certFile}" holds no PEM certificate`,
      `certificate "${files.certFile}" holds no PEM certificate`,
      `key cannot be read from "${files.keyFile}": ENOENT`,
    ]);
    expect(server.contexts).toEqual([]);
  });

  it('warns again when the same bad files come back after a good spell', async () => {
    writeFileSync(files.certFile, 'garbage');
    expect(await reloader.check()).toBe('refused');
    expect(await reloader.check()).toBe('refused');
    writeCertificateFiles(first, files);
    expect(await reloader.check()).toBe('unchanged');
    writeFileSync(files.certFile, 'garbage');
    expect(await reloader.check()).toBe('refused');
    expect(await reloader.check()).toBe('refused');
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('checks every interval, one timer however often started, until stopped', () => {
    jest.useFakeTimers();
    const timed = new TlsCertificateReloader(server, files, reloader.credentials, 1000);
    const timedCheck = jest.spyOn(timed, 'check').mockResolvedValue('unchanged');
    timed.start();
    timed.start();
    jest.advanceTimersByTime(3500);
    expect(timedCheck).toHaveBeenCalledTimes(3);
    expect(jest.getTimerCount()).toBe(1);
    timed.stop();
    jest.advanceTimersByTime(5000);
    expect(timedCheck).toHaveBeenCalledTimes(3);
  });

  it('starts an unref\'d timer', () => {
    const spy = jest.spyOn(globalThis, 'setInterval');
    reloader.start();
    const timer = spy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
  });

  it('runs one check at a time: a check while one reads is skipped', async () => {
    writeCertificateFiles(renewed, files);
    const [a, b] = await Promise.all([reloader.check(), reloader.check()]);
    expect([a, b].sort()).toEqual(['reloaded', 'unchanged']);
    expect(server.contexts).toHaveLength(1);
  });
});
