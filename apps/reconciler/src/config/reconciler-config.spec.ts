import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractConfigSection, RECONCILER_CONFIG_DOC, renderConfigTable } from '../../../../scripts/config-docs';
import { RECONCILER_CONFIG_VARIABLES } from './config-variables';
import { loadReconcilerConfig, ReconcilerConfigError } from './reconciler-config';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092' };
const ON = { ...BASE, RECONCILE_SDK_APP_ID: '1400000001', RECONCILE_ADMIN_IDENTIFIER: 'administrator', RECONCILE_SECRET_KEY: 'key' };

describe('loadReconcilerConfig', () => {
  it('is off without RECONCILE_SDK_APP_ID, with the documented defaults', () => {
    expect(loadReconcilerConfig(BASE)).toEqual({
      port: 3002,
      host: '0.0.0.0',
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'tencent-member-reconciler', sasl: undefined, ssl: false },
      topic: 'tencent.member-state.v1',
      progressTopic: 'tencent.relay.progress.v1',
      dataDir: './data-reconciler',
      groupId: 'tencent-member-reconciler',
      reconcile: undefined,
      logLevel: 'log',
    });
  });

  it('is on with an app, its administrator and secret key, with the documented defaults', () => {
    expect(loadReconcilerConfig(ON).reconcile).toEqual({
      sdkAppId: '1400000001',
      adminIdentifier: 'administrator',
      secretKey: 'key',
      apiBaseUrl: new URL('https://console.tim.qq.com/'),
      intervalMs: 60_000,
      budgetPerS: 50,
      activeHorizonMs: 3_600_000,
      stalenessMs: 40_000,
      clockSkewMs: 2_000,
      confirmDelayMs: 5_000,
      requestTimeoutMs: 5_000,
      catchUpTimeoutMs: 10_000,
    });
  });

  it.each([
    ['singapore', 'https://adminapisgp.im.qcloud.com/'],
    ['adminapiusa.im.qcloud.com', 'https://adminapiusa.im.qcloud.com/'],
    ['http://127.0.0.1:9100', 'http://127.0.0.1:9100/'],
    ['https://proxy.example.com/tencent', 'https://proxy.example.com/tencent/'],
  ])('reads RECONCILE_API_DOMAIN %s as %s', (domain, url) => {
    expect(loadReconcilerConfig({ ...ON, RECONCILE_API_DOMAIN: domain }).reconcile!.apiBaseUrl.toString()).toBe(url);
  });

  it.each([
    [{ ...BASE, RECONCILE_SDK_APP_ID: '1400000001' }, 'RECONCILE_ADMIN_IDENTIFIER is required when RECONCILE_SDK_APP_ID is set'],
    [{ ...ON, RECONCILE_SECRET_KEY: '' }, 'RECONCILE_SECRET_KEY is required when RECONCILE_SDK_APP_ID is set'],
    [{ ...ON, RECONCILE_SDK_APP_ID: 'app' }, 'RECONCILE_SDK_APP_ID must be an SDKAppID'],
    [{ ...ON, RECONCILE_BUDGET_PER_S: '250' }, 'RECONCILE_BUDGET_PER_S must be an integer from 1 to 200'],
    [{ ...ON, RECONCILE_API_DOMAIN: 'ftp://x' }, 'RECONCILE_API_DOMAIN must be a region, a domain or an http(s) base URL'],
    [{ ...ON, RECONCILE_INTERVAL_MS: '10' }, 'RECONCILE_INTERVAL_MS must be an integer from 100'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadReconcilerConfig(env)).toThrow(ReconcilerConfigError);
    expect(() => loadReconcilerConfig(env)).toThrow(message);
  });

  it('is documented in docs/reconciliation.md exactly as declared (run `npm run docs:config` when this fails)', () => {
    const document = readFileSync(join(__dirname, '..', '..', '..', '..', RECONCILER_CONFIG_DOC.file), 'utf8');
    expect(extractConfigSection(document, RECONCILER_CONFIG_DOC)).toBe(renderConfigTable(RECONCILER_CONFIG_VARIABLES));
  });
});
