import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createPresenceApp } from '../../apps/presence/src/bootstrap';
import { loadPresenceConfig, type PresenceConfig } from '../../apps/presence/src/config/presence-config';

/** A real presence service on a real port, consuming the run's broker. */
export interface RunningPresence {
  app: NestFastifyApplication;
  url: string;
  config: PresenceConfig;
  close(): Promise<void>;
  /** GET a path; returns status and parsed JSON. */
  get<T = unknown>(path: string): Promise<{ status: number; json: T }>;
  /** Resolves once /health/ready answers 200: the rosters are rebuilt from the topic. */
  ready(timeoutMs?: number): Promise<void>;
}

/** Starts presence on `topic` with a fresh consumer group unless `PRESENCE_GROUP_ID` is given. */
export async function startPresence(topic: string, overrides: Record<string, string> = {}): Promise<RunningPresence> {
  const config = loadPresenceConfig({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
    MEMBER_STATE_TOPIC: topic,
    PRESENCE_GROUP_ID: `test-presence-${randomUUID().slice(0, 8)}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PRESENCE_REWIND_TIMEOUT_MS: '30000',
    ...overrides,
  });
  const app = await createPresenceApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  async function get<T>(path: string): Promise<{ status: number; json: T }> {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, json: (await response.json()) as T };
  }
  return {
    app,
    url,
    config,
    get,
    close: () => app.close(),
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await get('/health/ready')).status !== 200) {
        if (Date.now() > deadline) throw new Error(`presence not ready within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
