import { Gauge, type Registry } from 'prom-client';
import type { TlsCertificateReloader } from './tls-certificate-reloader';

/**
 * `relay_tls_certificate_not_after_seconds`: when the certificate served to new connections
 * expires (Unix seconds), read at scrape time. A renewal the relay refused is logged once; this
 * is what an alert watches (`relay_tls_certificate_not_after_seconds - time() < 14 * 86400`).
 * Registered only when the relay serves TLS.
 */
export function registerTlsMetrics(registry: Registry, reloader: Pick<TlsCertificateReloader, 'credentials'>): void {
  new Gauge({
    name: 'relay_tls_certificate_not_after_seconds',
    help: 'End of validity (Unix seconds) of the TLS certificate the relay presents to new connections (TLS_CERT_FILE).',
    registers: [registry],
    // Every acceptor of a group serves the same files: the group's value is the soonest end.
    aggregator: 'min',
    collect() {
      this.set(reloader.credentials.notAfter.getTime() / 1000);
    },
  });
}
