import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { TENCENT_OK_BODY, liveCallbackSign, trtcCallbackSign } from '@app/tencent-callbacks';
import { httpsRequest, type HttpsAnswer, type HttpsRequestOptions } from '../../../test/support/https-client';
import { parseMetrics } from '../../../test/support/metrics-scrape';
import { liveQuery, memberStateCallback, TEST_APP_ID } from '../../../test/support/relay-harness';
import { ensureRelayBuilt, freePort, RELAY_MAIN, RelayProcess, relayProcessEnv } from '../../../test/support/relay-process';
import { CertificateFolder, makeSelfSignedCertificate, type TestCertificate } from '../../../test/support/self-signed-certificate';
import { TopicReader } from '../../../test/support/topic-reader';

/**
 * The relay serving HTTPS itself (TLS_CERT_FILE / TLS_KEY_FILE), as its production build in its own
 * process, against the real broker: Tencent's signed calls over TLS with a certificate made here,
 * the HTTP limits over TLS, a renewed certificate taken without a restart, and bad settings.
 */
const BROKERS = process.env.KAFKA_BROKERS ?? '';
const LIVE = '/webhooks/tencent/live';
const TRTC = '/webhooks/tencent/trtc';
const TOKEN = 'https-live-token';
const TRTC_KEY = 'https-trtc-key';
const RELOAD_MS = 200;
const HEALTH_CHECK = join(dirname(RELAY_MAIN), 'health', 'health-check.js');

const signedQuery = (requestTime = String(Math.floor(Date.now() / 1000))) =>
  new URLSearchParams({ ...liveQuery(), RequestTime: requestTime, Sign: liveCallbackSign(TOKEN, requestTime) }).toString();

function trtcEnter(roomId: number, userId: string): string {
  return JSON.stringify({ EventGroupId: 1, EventType: 103, CallbackTs: Date.now(), EventInfo: { RoomId: roomId, EventTs: 1664209748, EventMsTs: 1664209748180, UserId: userId, Reason: 1, Role: 20 } }, null, '\t');
}

/** Sends raw bytes over TLS (trusting `ca`) and returns whatever the server answers before closing. */
function rawTlsRequest(url: string, ca: string, chunks: string[], gapMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), ca, servername: 'localhost' });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (answer += data));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('secureConnect', () => {
      void (async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) break;
          socket.write(chunk);
          if (gapMs > 0) await new Promise((wait) => setTimeout(wait, gapMs));
        }
      })();
    });
  });
}

/** `relay_tls_certificate_not_after_seconds` from a /metrics text. */
function notAfterMetric(text: string): number | undefined {
  return parseMetrics(text).find((sample) => sample.name === 'relay_tls_certificate_not_after_seconds')?.value;
}

/** Polls new connections until the relay presents `fingerprint256`, or fails after `timeoutMs`. */
async function waitForCertificate(url: string, options: HttpsRequestOptions, fingerprint256: string, timeoutMs = 30_000): Promise<HttpsAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last: HttpsAnswer | undefined;
  while (Date.now() < deadline) {
    last = await httpsRequest(`${url}/health/live`, options);
    if (last.peerFingerprint256 === fingerprint256) return last;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`the relay still presents ${last?.peerFingerprint256} after ${timeoutMs} ms, not ${fingerprint256}`);
}

describe('HTTPS served by the relay (built relay process, real broker, certificates made here)', () => {
  let dir: string;
  let folder: CertificateFolder;
  let files: CertificateFolder['files'];
  let first: TestCertificate;
  let renewed: TestCertificate;
  let relay: RelayProcess;
  let topic: TopicReader;
  /** Trusts the certificates this spec made, and nothing else (no system CAs). */
  let trust: string[];

  beforeAll(async () => {
    ensureRelayBuilt();
    dir = mkdtempSync(join(tmpdir(), 'relay-https-'));
    folder = new CertificateFolder(dir);
    files = folder.files;
    // Distinct subjects: a client trusting both finds each one's issuer by name.
    [first, renewed] = await Promise.all([
      makeSelfSignedCertificate('relay-first.test'),
      makeSelfSignedCertificate('relay-renewed.test', { notAfter: new Date(Date.now() + 7 * 86_400_000) }),
    ]);
    trust = [first.cert, renewed.cert];
    folder.install(first);
    const env = relayProcessEnv(BROKERS, {
      TLS_CERT_FILE: files.certFile,
      TLS_KEY_FILE: files.keyFile,
      TLS_RELOAD_INTERVAL_MS: String(RELOAD_MS),
      TENCENT_CALLBACK_TOKEN: TOKEN,
      TRTC_CALLBACK_KEY: TRTC_KEY,
      REQUEST_TIMEOUT_MS: '1000',
    });
    relay = await RelayProcess.start(env);
    topic = await new TopicReader(BROKERS, env.MEMBER_STATE_TOPIC).start();
  });

  afterAll(async () => {
    await topic?.stop();
    const exit = await relay?.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    rmSync(dir, { recursive: true, force: true });
  });

  it('says at start that it serves HTTPS, and with which certificate', () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const start = relay.output.join('').split('\n').find((line) => line.includes('"relay listening"'));
    expect(JSON.parse(start!)).toMatchObject({ url: relay.url, tls: { subject: 'CN=relay-first.test', fingerprint256: first.fingerprint256 } });
  });

  it('accepts a signed Live callback and a signed TRTC callback over HTTPS and publishes both', async () => {
    const live = await httpsRequest(`${relay.url}${LIVE}?${signedQuery()}`, { method: 'POST', body: memberStateCallback('https-room'), ca: first.cert });
    expect(live).toMatchObject({ status: 200, text: TENCENT_OK_BODY, peerFingerprint256: first.fingerprint256 });
    const body = trtcEnter(8443, 'https-user');
    const trtc = await httpsRequest(`${relay.url}${TRTC}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', SdkAppId: TEST_APP_ID, Sign: trtcCallbackSign(TRTC_KEY, body) },
      ca: first.cert,
    });
    expect(trtc).toMatchObject({ status: 200, text: '{"code":0}' });
    const forged = await httpsRequest(`${relay.url}${LIVE}?${new URLSearchParams(liveQuery()).toString()}`, { method: 'POST', body: memberStateCallback('forged-room'), ca: first.cert });
    expect(forged.status).toBe(401);
    await topic.waitFor(2);
    await topic.settle();
    expect(topic.records.map((record) => record.key).sort()).toEqual(['8443', 'https-room']);
    const events = topic.records.map((record) => JSON.parse(record.value!.toString('utf8')) as { source: string; state: string; members: string[] });
    expect(events.map(({ source, state, members }) => ({ source, state, members })).sort((a, b) => a.source.localeCompare(b.source))).toEqual([
      { source: 'live', state: 'online', members: ['jared'] },
      { source: 'trtc', state: 'online', members: ['https-user'] },
    ]);
  });

  it('serves health and metrics on the same HTTPS port, with the certificate\'s expiry as a metric', async () => {
    expect((await httpsRequest(`${relay.url}/health/ready`, { ca: first.cert })).status).toBe(200);
    const metrics = await httpsRequest(`${relay.url}/metrics`, { ca: first.cert });
    expect(metrics.status).toBe(200);
    expect(notAfterMetric(metrics.text)).toBe(Math.floor(new X509Certificate(first.cert).validToDate.getTime() / 1000));
  });

  it('is refused by a client that trusts only the system CAs (the certificate is what the client checks)', async () => {
    await expect(httpsRequest(`${relay.url}/health/live`)).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('keeps the HTTP limits over TLS: oversized headers 431 and a trickling request 408, in Tencent\'s shape', async () => {
    const big = await rawTlsRequest(relay.url, first.cert, [`POST ${LIVE} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`]);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toContain('"ErrorCode":49431');
    const slow = await rawTlsRequest(relay.url, first.cert, [`POST ${LIVE}?SdkAppid=${TEST_APP_ID} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n`, ...Array.from({ length: 10 }, () => '{')], 300);
    expect(slow).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow).toContain('"ErrorCode":49408');
  });

  it('closes plain HTTP and failed handshakes on the TLS port without an answer, a crash or a log line', async () => {
    const linesBefore = relay.log().split('\n').length;
    for (let attempt = 0; attempt < 10; attempt++) {
      await expect(fetch(`${relay.url.replace('https:', 'http:')}/health/live`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
      await expect(httpsRequest(`${relay.url}/health/live`, { ca: renewed.cert })).rejects.toThrow();
    }
    expect((await httpsRequest(`${relay.url}/health/live`, { ca: first.cert })).status).toBe(200);
    const added = relay.log().split('\n').slice(linesBefore - 1);
    expect(added.filter((line) => /tls|ssl|handshake|certificate|clientError|ECONNRESET|EPROTO/i.test(line))).toEqual([]);
    expect(relay.child.exitCode).toBeNull();
  });

  it('presents a renewed certificate to new connections without a restart, and keeps it through a bad renewal', async () => {
    const pid = relay.pid;
    // Once by each process that serves HTTPS (each acceptor of a group reads the files itself).
    const servers = relay.log().match(/relay listening/g)!.length;
    /** Waits until every serving process logged the reload `times` times in all. */
    const reloadedBy = async (times: number): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while ((relay.log().match(/TLS certificate reloaded/g)?.length ?? 0) < times && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
    };
    folder.install(renewed);
    await waitForCertificate(relay.url, { ca: trust }, renewed.fingerprint256);
    await reloadedBy(servers);
    const live = await httpsRequest(`${relay.url}${LIVE}?${signedQuery()}`, { method: 'POST', body: memberStateCallback('renewed-room'), ca: renewed.cert });
    expect(live).toMatchObject({ status: 200, text: TENCENT_OK_BODY, peerFingerprint256: renewed.fingerprint256 });
    await topic.waitFor(3);
    expect(topic.records.map((record) => record.key)).toContain('renewed-room');
    expect(relay.log().match(/TLS certificate reloaded/g)).toHaveLength(servers);
    const metrics = await httpsRequest(`${relay.url}/metrics`, { ca: renewed.cert });
    expect(notAfterMetric(metrics.text)).toBe(Math.floor(new X509Certificate(renewed.cert).validToDate.getTime() / 1000));

    // A renewal gone wrong (the key file overwritten with a key that is not the certificate's):
    // the relay keeps serving the renewed pair and says so once, not at every check.
    writeFileSync(files.keyFile, first.key);
    const warned = Date.now() + 30_000;
    while ((relay.log().match(/TLS certificate not reloaded/g)?.length ?? 0) < servers && Date.now() < warned) await new Promise((wait) => setTimeout(wait, 50));
    await new Promise((wait) => setTimeout(wait, RELOAD_MS * 10));
    expect((await httpsRequest(`${relay.url}/health/live`, { ca: trust })).peerFingerprint256).toBe(renewed.fingerprint256);
    expect(relay.log().match(/TLS certificate not reloaded/g)).toHaveLength(servers);
    expect(relay.log()).toContain(`is not the private key of the certificate in \\"${files.certFile}\\"`);

    folder.install(first);
    await waitForCertificate(relay.url, { ca: trust }, first.fingerprint256);
    await reloadedBy(2 * servers);
    expect(relay.log().match(/TLS certificate reloaded/g)).toHaveLength(2 * servers);
    expect(relay.pid).toBe(pid);
    expect(relay.child.exitCode).toBeNull();
  });

  describe('the container health check (node dist/apps/relay/src/health/health-check.js, Dockerfile and compose)', () => {
    /** Runs the check as its own process (asynchronously: the plain HTTP server below lives in this one). */
    const check = (env: Record<string, string>): Promise<{ status: number | null; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [HEALTH_CHECK, '/health/ready'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stderr }));
      });

    it('passes over HTTPS when TLS_CERT_FILE is set, without verifying the certificate', async () => {
      const result = await check({ PORT: new URL(relay.url).port, TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    });

    it('fails when it speaks plain HTTP to the TLS port, or finds nothing listening', async () => {
      const plain = await check({ PORT: new URL(relay.url).port });
      expect(plain.status).toBe(1);
      expect(plain.stderr).toMatch(/^health check http:\/\/127\.0\.0\.1\/health\/ready: /);
      expect((await check({ PORT: String(await freePort()), TLS_CERT_FILE: files.certFile })).status).toBe(1);
    });

    it('passes over plain HTTP on a 200 and fails on another status', async () => {
      let status = 200;
      const server = createServer((request, response) => {
        response.statusCode = request.url === '/health/ready' ? status : 404;
        response.end('{}');
      });
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      try {
        const port = String((server.address() as AddressInfo).port);
        expect(await check({ PORT: port })).toEqual({ status: 0, stderr: '' });
        status = 503;
        expect((await check({ PORT: port })).status).toBe(1);
      } finally {
        await new Promise((closed) => server.close(closed));
      }
    });
  });

  describe('bad TLS settings stop the relay at start with exit 78 and one line naming the variable', () => {
    const path = (name: string) => join(dir, 'bad', name);

    beforeAll(() => {
      mkdirSync(join(dir, 'bad'));
      writeFileSync(path('tls.crt'), first.cert);
      writeFileSync(path('tls.key'), first.key);
      writeFileSync(path('garbage.pem'), 'not a certificate\n');
      writeFileSync(path('other.key'), renewed.key);
    });

    it.each([
      ['only TLS_CERT_FILE', () => ({ TLS_CERT_FILE: path('tls.crt') }), /Invalid configuration: TLS_KEY_FILE must be set together with the other of TLS_CERT_FILE \/ TLS_KEY_FILE/],
      ['only TLS_KEY_FILE', () => ({ TLS_KEY_FILE: path('tls.key') }), /Invalid configuration: TLS_CERT_FILE must be set together/],
      ['a certificate file that is missing', () => ({ TLS_CERT_FILE: path('missing.crt'), TLS_KEY_FILE: path('tls.key') }), /Invalid configuration: TLS_CERT_FILE cannot be read from ".*missing\.crt": ENOENT/],
      ['a certificate file that holds no PEM', () => ({ TLS_CERT_FILE: path('garbage.pem'), TLS_KEY_FILE: path('tls.key') }), /Invalid configuration: TLS_CERT_FILE ".*garbage\.pem" holds no PEM certificate/],
      ['a key that is not the certificate\'s', () => ({ TLS_CERT_FILE: path('tls.crt'), TLS_KEY_FILE: path('other.key') }), /Invalid configuration: TLS_KEY_FILE ".*other\.key" is not the private key of the certificate in/],
    ])('%s', async (_case, settings, message) => {
      const outcome = await RelayProcess.start(relayProcessEnv(BROKERS, settings())).then(
        async (started) => {
          await started.stop('SIGKILL');
          return 'the relay started';
        },
        (error: Error) => error.message,
      );
      expect(outcome).toMatch(/^relay exited with 78 at start:\n/);
      expect(outcome).toMatch(message);
    });
  });
});
