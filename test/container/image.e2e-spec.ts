import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import { OUTBOX_FILE } from '@app/outbox';
import { CallbackLoad, checkDelivery, deliveryLine } from '../support/callback-load';
import { ContainerEngine, detectContainerEngine } from '../support/container-engine';
import { TEST_APP_ID } from '../support/relay-harness';
import { freePort } from '../support/relay-process';
import { appendToSpecLog, writeToConsole } from '../support/spec-log';
import { TopicReader } from '../support/topic-reader';

/**
 * The image as users get it: built from the Dockerfile by `npm run image` (scripts/image.sh), run
 * by the machine's container engine against the run's broker, fed callbacks over HTTP, read back
 * from the topic, then stopped the way Docker and Kubernetes stop it (SIGTERM, 30 s grace).
 * Where no engine answers, the spec is skipped and says so on one line.
 */
const ROOT = join(__dirname, '..', '..');
const engineName = detectContainerEngine();
if (engineName === undefined) {
  writeToConsole(`${relative(ROOT, __filename)}: skipped, no container engine (neither \`docker info\` nor \`podman info\` answers)\n`);
}
const describeWithEngine = engineName === undefined ? describe.skip : describe;

/** The image's user, as in the official node images. */
const NODE_UID = '1000';
/** Where the image keeps the outbox (its DATA_DIR and VOLUME). */
const DATA_DIR = '/data';

/** Builds `image` with scripts/image.sh (the `npm run image` script); its output goes to the spec log. */
function buildImage(engine: ContainerEngine, image: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts', 'image.sh')], {
      cwd: ROOT,
      env: { ...process.env, IMAGE: image, CONTAINER_ENGINE: engine.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', appendToSpecLog);
    child.stderr.on('data', appendToSpecLog);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run image exited ${code}: see the spec log`))));
  });
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((wait) => setTimeout(wait, 500));
  }
  throw new Error(`${what} within ${timeoutMs} ms`, { cause: last });
}

describeWithEngine(`the container image (${engineName ?? 'no engine'})`, () => {
  const engine = new ContainerEngine(engineName ?? 'docker');
  const suffix = randomUUID().slice(0, 8);
  const image = `localhost/tencent-member-state-relay:e2e-${suffix}`;
  const container = `relay-e2e-${suffix}`;
  const volume = `relay-e2e-outbox-${suffix}`;
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const topic = `container.member-state.${suffix}`;
  let url = '';
  let reader: TopicReader | undefined;

  const running = async () => (await engine.inspect(container, '{{.State.Running}}')) === 'true';

  beforeAll(async () => {
    const started = Date.now();
    await buildImage(engine, image);
    const size = Number(await engine.inspect(image, '{{.Size}}', 'image'));
    appendToSpecLog(`== image ${image}: built in ${((Date.now() - started) / 1000).toFixed(1)} s, ${(size / 1e6).toFixed(0)} MB\n`);

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      KAFKA_BROKERS: brokers,
      TENCENT_SDK_APP_IDS: TEST_APP_ID,
      MEMBER_STATE_TOPIC: topic,
      DLQ_TOPIC: `container.dlq.${suffix}`,
      KAFKA_TOPIC_PARTITIONS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'log',
      SHUTDOWN_TIMEOUT_MS: '20000',
    };
    await engine.run(['volume', 'create', volume]);
    // The host's network: the container reaches the run's broker on the loopback, the spec the relay.
    await engine.run(['run', '--detach', '--name', container, '--network', 'host', '--volume', `${volume}:${DATA_DIR}`, ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]), image]);
    await eventually('the relay in the container was not ready', async () => {
      if (!(await running())) throw new Error(`the container stopped:\n${await engine.run(['logs', container]).catch(String)}`);
      return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined;
    });
    reader = await new TopicReader(brokers, topic).start();
  }, 20 * 60_000);

  afterAll(async () => {
    await reader?.stop();
    appendToSpecLog(`== ${engine.name} logs ${container}\n${await engine.run(['logs', container]).catch(String)}\n`);
    // The image goes; its build cache stays, so the next run builds in seconds.
    await engine.remove({ containers: [container], volumes: [volume], images: [image] });
  }, 120_000);

  it('keeps the HEALTHCHECK of the Dockerfile, and the check passes', async () => {
    const healthcheck = JSON.parse(await engine.inspect(image, '{{json .Config.Healthcheck}}', 'image')) as { Test?: string[] } | null;
    expect(healthcheck?.Test?.join(' ')).toContain('/health/ready');
    if (engine.name === 'podman') {
      // podman runs health checks from systemd timers, absent on many hosts: run the check by hand.
      await eventually('podman healthcheck run did not pass', async () => {
        await engine.run(['healthcheck', 'run', container]);
        return true;
      });
    } else {
      await eventually('docker did not report the container healthy', async () => ((await engine.inspect(container, '{{.State.Health.Status}}')) === 'healthy' ? true : undefined), 90_000);
    }
  });

  it(`runs the relay as uid ${NODE_UID}, not root, with the outbox on its ${DATA_DIR} volume`, async () => {
    const status = await engine.exec(container, ['cat', '/proc/1/status']);
    expect(status).toMatch(new RegExp(`^Uid:\\s+${NODE_UID}\\s+${NODE_UID}\\s+${NODE_UID}\\s+${NODE_UID}$`, 'm'));
    expect(await engine.exec(container, ['cat', '/proc/1/cmdline'])).toContain('dist/apps/relay/src/main.js');
    const mounts = JSON.parse(await engine.inspect(container, '{{json .Mounts}}')) as { Type: string; Name: string; Destination: string }[];
    expect(mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: volume, Destination: DATA_DIR })]);
    expect(await engine.exec(container, ['stat', '--format', '%u', `${DATA_DIR}/${OUTBOX_FILE}`])).toBe(NODE_UID);
  });

  it('delivers the callbacks it acknowledges to the topic, none lost or repeated', async () => {
    const load = new CallbackLoad({ url, rooms: 10, perRoom: 40, prefix: `container-${suffix}` });
    const result = await load.done;
    expect(result.acknowledged).toHaveLength(400);
    await reader!.waitFor(400, 60_000);
    const check = checkDelivery(result.acknowledged, reader!.values<{ roomId: string; eventTime: number; eventId: string }>());
    appendToSpecLog(`${deliveryLine('container, steady', result.acknowledged.length, check)}\n`);
    expect(check).toEqual({ missing: [], duplicates: 0, unacknowledgedDuplicates: 0, unacknowledged: 0, outOfOrderRooms: [] });
  });

  it('drains what it acknowledged and exits 0 on SIGTERM (stop -t 30: killed, it would exit 137), callbacks still arriving', async () => {
    const before = reader!.records.length;
    const load = new CallbackLoad({ url, rooms: 10, perRoom: 500, prefix: `container-stop-${suffix}` });
    await eventually('the second load was not acknowledged', async () => (load.acknowledgedCount >= 300 ? true : undefined));
    const stopping = Date.now();
    await engine.run(['stop', '--time', '30', container], 60_000);
    const stopSeconds = (Date.now() - stopping) / 1000;
    load.stop();
    const result = await load.done;

    expect(await engine.inspect(container, '{{.State.ExitCode}}')).toBe('0');
    expect(await running()).toBe(false);
    await reader!.waitFor(before + result.acknowledged.length, 60_000);
    const check = checkDelivery(result.acknowledged, reader!.values<{ roomId: string; eventTime: number; eventId: string }>().slice(before));
    appendToSpecLog(`${deliveryLine(`container, SIGTERM after ${stopSeconds.toFixed(1)} s`, result.acknowledged.length, check)}\n`);
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
  });
});
