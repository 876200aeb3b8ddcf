import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, callbackTokenOf, loadRelayConfig, trtcCallbackKeyOf } from './relay-config';

const minimal = { KAFKA_BROKERS: 'localhost:9092', TENCENT_SDK_APP_IDS: '1400000001,1400000002' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadRelayConfig({ ...minimal, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('security configuration', () => {
  it('has safe defaults: no token, 60 s skew, 1 MiB bodies, 10 s requests, 1000 connections, 10 s keep-alive, TRTC apps = Live apps', () => {
    const config = loadRelayConfig(minimal);
    expect(callbackTokenOf(config, '1400000001')).toBeUndefined();
    expect(trtcCallbackKeyOf(config, '1400000001')).toBeUndefined();
    expect(config.tencent.signatureMaxSkewS).toBe(60);
    expect(config.http).toEqual({ bodyLimitBytes: 1_048_576, requestTimeoutMs: 10_000, maxHeaderCount: 100, maxHeaderBytes: 16_384, maxConnections: 1000, keepAliveTimeoutMs: 10_000 });
    expect([...config.trtc.sdkAppIds]).toEqual(['1400000001', '1400000002']);
  });

  it('gives each app its own token, the default token to the others', () => {
    const config = loadRelayConfig({
      ...minimal,
      TENCENT_CALLBACK_TOKEN: 'shared',
      TENCENT_CALLBACK_TOKENS: '1400000002:own:token',
      TRTC_CALLBACK_KEYS: '1400000001:key-1',
      TRTC_SDK_APP_IDS: '1400000001',
    });
    expect(callbackTokenOf(config, '1400000001')).toBe('shared');
    expect(callbackTokenOf(config, '1400000002')).toBe('own:token');
    expect(trtcCallbackKeyOf(config, '1400000001')).toBe('key-1');
    expect(trtcCallbackKeyOf(config, '1400000002')).toBeUndefined();
    expect([...config.trtc.sdkAppIds]).toEqual(['1400000001']);
  });

  it.each([
    [{ TENCENT_CALLBACK_TOKENS: '1400000001' }, 'TENCENT_CALLBACK_TOKENS entry 1 must be SdkAppId:secret'],
    [{ TENCENT_CALLBACK_TOKENS: 'app:leaked-token' }, 'TENCENT_CALLBACK_TOKENS entry 1 must be SdkAppId:secret'],
    [{ TENCENT_CALLBACK_TOKENS: '1:leaked-token,1:leaked-token' }, 'names SdkAppId 1 more than once'],
    [{ TRTC_CALLBACK_KEY: 'k'.repeat(129) }, 'TRTC_CALLBACK_KEY must be at most 128 characters'],
    [{ SIGNATURE_MAX_SKEW_S: '0' }, 'SIGNATURE_MAX_SKEW_S must be an integer from 1'],
    [{ BODY_LIMIT_BYTES: '10' }, 'BODY_LIMIT_BYTES must be an integer from 1024'],
    [{ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem', KAFKA_SSL: 'true' }, 'KAFKA_SSL_CA_FILE cannot be read from "/nonexistent/ca.pem": ENOENT'],
  ])('rejects %p naming the variable, never the secret', (env, message) => {
    const error = configError(env);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('leaked-token');
  });

  it('builds TLS options from the PEM files, and refuses them without KAFKA_SSL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
    for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${name}.pem`), `${name} pem`);
    const files = { KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'), KAFKA_SSL_CERT_FILE: join(dir, 'cert.pem'), KAFKA_SSL_KEY_FILE: join(dir, 'key.pem') };
    const config = loadRelayConfig({ ...minimal, KAFKA_SSL: 'true', ...files });
    expect(config.kafka.ssl).toEqual({ rejectUnauthorized: true, ca: Buffer.from('ca pem'), cert: Buffer.from('cert pem'), key: Buffer.from('key pem') });
    expect(loadRelayConfig({ ...minimal, KAFKA_SSL: 'true' }).kafka.ssl).toBe(true);
    expect(configError(files).message).toContain('KAFKA_SSL must be true when a KAFKA_SSL_*_FILE is set');
    expect(configError({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: files.KAFKA_SSL_CERT_FILE }).message).toContain('KAFKA_SSL_KEY_FILE must be set together');
  });
});
