import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EnvReader } from '@app/config';
import { CONFIG_VARIABLES, type ConfigVariableName } from '../config/config-variables';

/**
 * The container health check (Dockerfile HEALTHCHECK, docker-compose.yml):
 * `node dist/apps/relay/src/health/health-check.js /health/ready` asks the relay of this container
 * on 127.0.0.1:PORT, over HTTPS when TLS_CERT_FILE is set, and exits 0 on a 200, else 1.
 * The certificate is not verified: this is the relay's own port on loopback, and a public
 * certificate names the relay's public host, not 127.0.0.1.
 */
function main(): void {
  const reader = new EnvReader<ConfigVariableName>(process.env, CONFIG_VARIABLES, (variable, problem) => new Error(`${variable} ${problem}`));
  const path = process.argv[2] ?? '/health/ready';
  const tls = reader.raw('TLS_CERT_FILE') !== undefined;
  const request = tls ? httpsRequest : httpRequest;
  const call = request({ host: '127.0.0.1', port: reader.integer('PORT', 0, 65535), path, timeout: 2500, agent: false, ...(tls && { rejectUnauthorized: false }) }, (response) => {
    response.resume();
    process.exitCode = response.statusCode === 200 ? 0 : 1;
  });
  call.on('timeout', () => call.destroy(new Error('no answer within 2.5 s')));
  call.on('error', (error) => {
    process.stderr.write(`health check ${tls ? 'https' : 'http'}://127.0.0.1${path}: ${error.message}\n`);
    process.exitCode = 1;
  });
  call.end();
}

main();
