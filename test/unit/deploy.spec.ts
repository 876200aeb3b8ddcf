import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_CONFIG_VARIABLES, checkEnvironment } from '../support/app-config-variables';

/**
 * The container files checked by reading them (test/container builds and runs the image itself):
 * the compose file against the Compose Specification's schema, every variable it sets one the app
 * reads, ports, volumes, health checks and scrape targets in agreement.
 */
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Service {
  image?: string;
  profiles?: string[];
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const dockerfile = read('Dockerfile');
/** The relay image's health check (built from apps/relay/src/health/health-check.ts): HTTP or HTTPS by the relay's own settings. */
const RELAY_HEALTH_CHECK = 'dist/apps/relay/src/health/health-check.js';
const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
  scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
};

/**
 * The Compose file's errors against the Compose Specification's JSON Schema, as dclint finds them
 * (its copy of compose-spec.json, validated with ajv); dclint's style rules are not checked here.
 */
interface ComposeLinter {
  lintFiles(paths: string[], recursive: boolean): { messages: { rule: string; message: string }[] }[];
}
// dclint's declarations import their siblings without file extensions, which NodeNext resolution
// cannot follow inside its ESM package: the part used here is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- typed by ComposeLinter above
const { DCLinter } = require('dclint') as { DCLinter: new (config: { rules: Record<string, number>; quiet: boolean; debug: boolean; exclude: string[] }) => ComposeLinter };

function composeSchemaErrors(file: string): string[] {
  const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
  return linter
    .lintFiles([file], false)
    .flatMap((result) => result.messages)
    .filter((message) => ['invalid-yaml', 'invalid-schema', 'unknown-error'].includes(message.rule))
    .map((message) => `${message.rule}: ${message.message}`);
}

function containerPorts(service: Service): number[] {
  return (service.ports ?? []).map((mapping) => Number(mapping.split(':').pop()));
}

function dockerfileInstruction(name: string): string[] {
  return dockerfile
    .split('\n')
    .filter((line) => line.startsWith(`${name} `))
    .map((line) => line.slice(name.length + 1).trim());
}

describe('docker-compose.yml', () => {
  it('brings up Kafka, the relay, presence, a topic browser, Prometheus and Grafana, and the reconciler on request', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'kafka', 'kafka-ui', 'presence', 'prometheus', 'reconciler', 'relay']);
    expect(Object.entries(services).filter(([, service]) => service.profiles !== undefined)).toEqual([['reconciler', expect.objectContaining({ profiles: ['reconcile'] })]]);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it("is valid against the Compose Specification's JSON Schema", () => {
    expect(composeSchemaErrors(join(root, 'docker-compose.yml'))).toEqual([]);
  });

  it.each([
    ['a misspelt key', '    stop_grace_period: 30s\n', '    stop_grace_period: 30s\n    enviroment:\n      PORT: "3000"\n', /services\/relay.*additional properties/],
    ['a value of the wrong type', '    stop_grace_period: 30s\n', '    stop_grace_period: [30]\n', /stop_grace_period.*must be string/],
  ])('refuses a compose file with %s (so the check above can fail)', (_label, from, to, error) => {
    const original = read('docker-compose.yml');
    expect(original).toContain(from);
    const dir = mkdtempSync(join(tmpdir(), 'compose-schema-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), original.replace(from, to));
      const errors = composeSchemaErrors(join(dir, 'docker-compose.yml'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the project image as the relay and presence services only', () => {
    const fromImage = Object.entries(services).filter(([, service]) => service.image === services.relay.image).map(([name]) => name);
    expect(fromImage.sort()).toEqual(Object.keys(APP_CONFIG_VARIABLES).sort());
  });

  it.each(Object.keys(APP_CONFIG_VARIABLES))('sets on %s only variables it reads, and every required one', (name) => {
    const names = Object.keys(services[name].environment ?? {});
    expect(checkEnvironment(names, APP_CONFIG_VARIABLES[name])).toEqual({ unknown: [], repeated: [], missingRequired: [] });
  });

  it('points both apps at the broker listener Kafka advertises inside the network', () => {
    const advertised = services.kafka.environment!.KAFKA_ADVERTISED_LISTENERS.split(',').map((listener) => listener.split('://')[1]);
    expect(advertised).toContain(services.relay.environment!.KAFKA_BROKERS);
    expect(advertised).toContain(services.presence.environment!.KAFKA_BROKERS);
    expect(services.presence.environment!.MEMBER_STATE_TOPIC).toBe(services.relay.environment!.MEMBER_STATE_TOPIC);
  });

  it.each(['relay', 'presence'])('publishes %s on its PORT, health-checks and scrapes it there', (name) => {
    const service = services[name];
    const port = Number(service.environment!.PORT);
    expect(containerPorts(service)).toEqual([port]);
    // The relay's check is the image's own script, which asks 127.0.0.1 on the PORT of its env.
    expect(service.healthcheck?.test.join(' ')).toContain(name === 'relay' ? `${RELAY_HEALTH_CHECK} /health/ready` : `127.0.0.1:${port}/health/`);
    const job = prometheus.scrape_configs.find((config) => config.job_name === name);
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.static_configs.flatMap((config) => config.targets)).toEqual([`${name}:${port}`]);
  });

  it('gives Kafka a health check the apps wait for', () => {
    expect(services.kafka.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions');
    for (const name of ['relay', 'presence']) {
      expect(services[name].depends_on).toMatchObject({ kafka: { condition: 'service_healthy' } });
    }
  });

  it('keeps the outbox on a declared named volume mounted at DATA_DIR', () => {
    const [source, target] = services.relay.volumes![0].split(':');
    expect(Object.keys(compose.volumes ?? {})).toContain(source);
    expect(target).toBe(services.relay.environment!.DATA_DIR);
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const from = volume.split(':')[0];
        if (from.startsWith('.')) expect(existsSync(join(root, from))).toBe(true);
        else expect(Object.keys(compose.volumes ?? {})).toContain(from);
      }
    }
  });

  it.each(['presence', 'reconciler'])('runs %s from the image the relay service builds', (name) => {
    expect(services.relay.build).toBeDefined();
    expect(services[name].image).toBe(services.relay.image);
    expect(services[name].command?.join(' ')).toBe(`node dist/apps/${name}/src/main.js`);
  });

  it("keeps the reconciler's outbox on a volume of its own, never the relay's", () => {
    const [source, target] = services.reconciler.volumes![0].split(':');
    expect(source).not.toBe(services.relay.volumes![0].split(':')[0]);
    expect(target).toBe(services.reconciler.environment!.DATA_DIR);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, with a slim runtime running as a non-root user', () => {
    const stages = dockerfileInstruction('FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[stages.length - 1]).toMatch(/slim/);
    expect(dockerfileInstruction('USER')).toEqual(['node']);
  });

  it('agrees with the compose file and the configuration: port, DATA_DIR volume, readiness health check, entry point', () => {
    expect(dockerfileInstruction('EXPOSE')).toEqual([services.relay.environment!.PORT]);
    expect(dockerfileInstruction('VOLUME').map((volume) => JSON.parse(volume) as string[])).toEqual([[services.relay.environment!.DATA_DIR]]);
    expect(dockerfile).toMatch(/DATA_DIR=\/data/);
    expect(dockerfileInstruction('HEALTHCHECK').join(' ')).toContain('--interval');
    expect(dockerfile).toContain(`CMD ["node", "${RELAY_HEALTH_CHECK}", "/health/ready"]`);
    expect(existsSync(join(root, RELAY_HEALTH_CHECK.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(dockerfile).toContain('/health/ready');
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(dockerfileInstruction('CMD').map((command) => JSON.parse(command) as string[])).toEqual([start.split(' ')]);
  });
});

describe('Grafana provisioning', () => {
  const datasource = (parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; url: string }[] }).datasources[0];
  const provider = (parse(read('deploy/grafana/provisioning/dashboards/relay.yml')) as { providers: { options: { path: string } }[] }).providers[0];
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/relay.json')) as {
    panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);

  it('reads Prometheus from the compose network and loads the dashboard from the mounted folder', () => {
    expect(datasource.url).toBe(`http://prometheus:${containerPorts(services.prometheus)[0]}`);
    const mounts = (services.grafana.volumes ?? []).map((volume) => volume.split(':'));
    expect(mounts).toContainEqual(['./deploy/grafana/dashboards', provider.options.path, 'ro']);
    expect(mounts).toContainEqual(['./deploy/grafana/provisioning', '/etc/grafana/provisioning', 'ro']);
    expect(services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider.options.path}/relay.json`);
  });

  it('uses only metrics the relay registers, through the provisioned data source', () => {
    const registered = new Set(
      readdirSync(join(root, 'apps/relay/src/metrics')).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts')).flatMap((file) =>
        [...read(`apps/relay/src/metrics/${file}`).matchAll(/(?:name: |mirroredCounter\(registers, )'(relay_[a-z_]+)'/g)].map((match) => match[1]),
      ),
    );
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b(relay_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=[{[(\s)]|$)/g)].map((match) => match[1])));
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !registered.has(name))).toEqual([]);
    for (const panel of dashboard.panels.filter((panel) => panel.type !== 'row')) {
      expect(panel.datasource?.uid).toBe(datasource.uid);
    }
  });

  it('shows rate, latency, backlog, failures, disk and connections', () => {
    for (const metric of ['relay_outbox_bytes', 'relay_outbox_disk_free_bytes', 'relay_outbox_store_failing', 'relay_open_connections', 'relay_connections_refused_total', 'relay_callbacks_total', 'relay_publish_latency_seconds_bucket', 'http_request_duration_seconds_bucket', 'relay_outbox_depth', 'relay_callback_rejections_total', 'relay_broker_connected']) {
      expect(exprs.some((expr) => expr.includes(metric))).toBe(true);
    }
  });
});
