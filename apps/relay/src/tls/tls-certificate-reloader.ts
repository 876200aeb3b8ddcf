import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import { TlsCredentialsError, parseTlsCredentials, readTlsFiles, type TlsCredentials, type TlsFiles } from './tls-credentials';

/** The part of `https.Server` the reloader uses. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/** What one {@link TlsCertificateReloader.check} did. */
export type TlsReloadOutcome = 'unchanged' | 'reloaded' | 'refused';

/**
 * Serves a renewed certificate without a restart: every interval, reads the certificate and key
 * files and, when their bytes changed and the new pair is valid, gives it to the server for new
 * connections (open ones keep theirs). A pair that is not valid leaves the current one in place
 * and is logged once, not at every check, and only when two checks in a row found the same files
 * so: a renewal written file by file (certificate, then key) may be seen half done once, and that
 * is no reason to warn.
 *
 * Polls the contents rather than watching: `fs.watch` differs by platform and misses the
 * symlink swap of a Kubernetes Secret volume or certbot's `live/` links, while reading two small
 * files once a minute costs nothing. The timer is unref'd: it never keeps the process alive.
 */
export class TlsCertificateReloader {
  private readonly logger = new Logger(TlsCertificateReloader.name);
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** What the last refused check saw, and whether that was logged: the same bad files are logged once, at their second sight. */
  private refused: { seen: string; logged: boolean } | undefined;

  constructor(
    private readonly server: SecureContextTarget,
    private readonly files: TlsFiles,
    private current: TlsCredentials,
    private readonly intervalMs: number,
  ) {}

  /** The credentials the server presents to new connections. */
  get credentials(): TlsCredentials {
    return this.current;
  }

  start(): this {
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the files once and swaps the server's context when they hold a new valid pair. */
  async check(): Promise<TlsReloadOutcome> {
    if (this.checking) return 'unchanged';
    this.checking = true;
    let seen = '';
    try {
      const { cert, key } = await readTlsFiles(this.files);
      if (cert.equals(this.current.cert) && key.equals(this.current.key)) {
        this.refused = undefined;
        return 'unchanged';
      }
      seen = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
      const next = parseTlsCredentials(this.files, cert, key);
      this.server.setSecureContext({ cert: next.cert, key: next.key });
      this.current = next;
      this.refused = undefined;
      this.logger.log({ message: 'TLS certificate reloaded: new connections get it', subject: next.subject, notAfter: next.notAfter.toISOString(), fingerprint256: next.fingerprint256 });
      return 'reloaded';
    } catch (error) {
      const problem = error instanceof TlsCredentialsError ? `${error.file === 'cert' ? 'certificate' : 'key'} ${error.message}` : String(error);
      const key = `${problem}\0${seen}`;
      if (this.refused?.seen !== key) {
        this.refused = { seen: key, logged: false };
      } else if (!this.refused.logged) {
        this.refused.logged = true;
        this.logger.warn({ message: 'TLS certificate not reloaded: still serving the current one until the files hold a valid pair', problem, current: this.current.fingerprint256 });
      }
      return 'refused';
    } finally {
      this.checking = false;
    }
  }
}
