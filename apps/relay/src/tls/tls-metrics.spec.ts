import { Registry } from 'prom-client';
import type { TlsCredentials } from './tls-credentials';
import { registerTlsMetrics } from './tls-metrics';

describe('registerTlsMetrics', () => {
  it('reports the notAfter of the certificate served now, read at each scrape', async () => {
    const registry = new Registry();
    const reloader = { credentials: { notAfter: new Date('2027-03-01T00:00:00Z') } as TlsCredentials };
    registerTlsMetrics(registry, reloader);
    const value = async () => (await registry.getSingleMetric('relay_tls_certificate_not_after_seconds')!.get()).values[0].value;
    expect(await value()).toBe(Date.parse('2027-03-01T00:00:00Z') / 1000);
    reloader.credentials = { notAfter: new Date('2027-06-01T00:00:00Z') } as TlsCredentials;
    expect(await value()).toBe(Date.parse('2027-06-01T00:00:00Z') / 1000);
  });
});
