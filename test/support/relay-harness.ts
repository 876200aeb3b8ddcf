import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelayApp } from '../../apps/relay/src/bootstrap';
import { loadRelayConfig, type RelayConfig } from '../../apps/relay/src/config/relay-config';
import type { RelayExtensions } from '../../apps/relay/src/app.module';

export const TEST_APP_ID = '1400000001';

/** A real relay on a real port with its own outbox folder and its own topics. */
export interface RunningRelay {
  app: NestFastifyApplication;
  url: string;
  config: RelayConfig;
  dataDir: string;
  close(): Promise<void>;
}

/** The env a test relay starts from: the run's broker, fresh topics, a temp outbox. */
export function testRelayEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const suffix = randomUUID().slice(0, 8);
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
    TENCENT_SDK_APP_IDS: TEST_APP_ID,
    MEMBER_STATE_TOPIC: `test.member-state.${suffix}`,
    DLQ_TOPIC: `test.dlq.${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-outbox-')),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

export async function startRelay(
  overrides: Record<string, string> = {},
  extensions: RelayExtensions = [],
): Promise<RunningRelay> {
  const env = testRelayEnv(overrides);
  const config = loadRelayConfig(env);
  const app = await createRelayApp(config, extensions);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    config,
    dataDir: config.outbox.dataDir,
    async close() {
      await app.close();
      rmSync(config.outbox.dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts a body (string or bytes) to a relay path with a query; returns status and parsed answer. */
export async function post(
  baseUrl: string,
  path: string,
  body: string | Buffer,
  query: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const search = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  const response = await fetch(`${baseUrl}${path}?${search}`, { method: 'POST', body, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** A valid `Live.CallbackAfterMemberStateChanged` body: one member of `roomId` online; `overrides` replace fields. */
export function memberStateCallback(roomId: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: 'jared' }],
    EventTime: 1703589922780,
    ...overrides,
  });
}

/** The query Tencent appends for a Live callback. */
export function liveQuery(command = 'Live.CallbackAfterMemberStateChanged', extra: Record<string, string> = {}): Record<string, string> {
  return { SdkAppid: TEST_APP_ID, CallbackCommand: command, contenttype: 'json', ClientIP: '203.0.113.7', OptPlatform: 'Android', ...extra };
}
