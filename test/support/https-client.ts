import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** An answer over HTTPS, with the certificate the server presented on that connection. */
export interface HttpsAnswer {
  status: number;
  text: string;
  json: unknown;
  /** SHA-256 fingerprint of the server's certificate (`AA:BB:…`). */
  peerFingerprint256: string;
}

export interface HttpsRequestOptions {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The certificate(s) to trust instead of the system CAs; unset with `rejectUnauthorized: false` to trust anything. */
  ca?: string | string[];
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

/**
 * One request on a connection of its own (no agent, so no keep-alive): every call makes a new TLS
 * handshake and so sees the certificate the server presents to new connections now.
 */
export function httpsRequest(url: string, options: HttpsRequestOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        rejectUnauthorized: options.rejectUnauthorized ?? true,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const peerFingerprint256 = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, text, json, peerFingerprint256 });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
