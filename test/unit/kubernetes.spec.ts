import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { PATH_METADATA } from '@nestjs/common/constants';
import { CONFIG_VARIABLES } from '../../apps/relay/src/config/config-variables';
import { APP_CONFIG_VARIABLES, checkEnvironment } from '../support/app-config-variables';
import { WebhookController } from '../../apps/relay/src/webhook/webhook.controller';

/**
 * deploy/kubernetes is checked without a cluster: every object against the Kubernetes and
 * Prometheus Operator schemas (kubernetes-models, offline), and the wiring between objects.
 */
const DIR = join(__dirname, '..', '..', 'deploy', 'kubernetes');

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  command?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  volumes?: { name: string; emptyDir?: unknown }[];
}
interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string }; spec?: { resources?: { requests?: { storage?: string } } } }[];
    serviceName?: string;
    strategy?: { type: string };
  };
}

interface IngressObject extends KubeObject {
  metadata: KubeObject['metadata'] & { annotations?: Record<string, string> };
  spec: {
    tls: { hosts: string[]; secretName?: string }[];
    rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[] } }[];
  };
}

type Validatable = { validate(): void };
type ModelClass = new (data: object) => Validatable;
/** The schema of each kind the base uses; a kind missing here fails the spec. */
const MODELS: Record<string, () => Promise<ModelClass>> = {
  'v1/Secret': async () => (await import('kubernetes-models/v1/Secret')).Secret,
  'v1/Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'apps/v1/StatefulSet': async () => (await import('kubernetes-models/apps/v1/StatefulSet')).StatefulSet,
  'apps/v1/Deployment': async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'policy/v1/PodDisruptionBudget': async () => (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': async () => (await import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor')).ServiceMonitor as ModelClass,
};

const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const files = readdirSync(DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
const objects: { file: string; object: KubeObject }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
    return { file, object: document.toJS() as KubeObject };
  }),
);
const ofKind = <T extends KubeObject>(kind: string) => objects.filter(({ object }) => object.kind === kind).map(({ object }) => object as T);
const named = <T extends KubeObject>(kind: string, name: string): T => {
  const found = ofKind<T>(kind).find((object) => object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

async function validate(object: KubeObject): Promise<void> {
  const load = MODELS[`${object.apiVersion}/${object.kind}`];
  if (load === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  const Model = await load();
  new Model(object).validate();
}

describe('deploy/kubernetes', () => {
  it('lists every manifest in kustomization.yaml, and nothing else', () => {
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it.each(objects.map(({ file, object }) => [`${file}: ${object.kind} ${object.metadata?.name}`, object] as const))('%s is valid against its schema', async (_label, object) => {
    await expect(validate(object)).resolves.toBeUndefined();
  });

  it('has a schema validator that refuses broken objects (so the check above can fail)', async () => {
    const relay = named<Workload>('StatefulSet', 'relay');
    await expect(validate({ ...relay, spec: { ...relay.spec, replicas: 'two' } })).rejects.toThrow(/replicas/);
    const monitor = named('ServiceMonitor', 'relay');
    await expect(validate({ ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 3000 }] } })).rejects.toThrow(/port/);
    await expect(validate({ ...monitor, kind: 'Unknown' })).rejects.toThrow(/no schema/);
    const ingress = named<IngressObject>('Ingress', 'relay');
    await expect(validate({ ...ingress, spec: { ...ingress.spec, tls: [{ hosts: 'relay.example.com' }] } })).rejects.toThrow(/hosts/);
  });

  describe('env names match what each app reads', () => {
    const containers = [...ofKind<Workload>('StatefulSet'), ...ofKind<Workload>('Deployment')].flatMap((workload) => workload.spec.template.spec.containers);

    it.each(containers.map((container) => [container.name, container] as const))('%s', (name, container) => {
      const variables = APP_CONFIG_VARIABLES[name];
      expect(variables).toBeDefined();
      expect(checkEnvironment((container.env ?? []).map((env) => env.name), variables)).toEqual({ unknown: [], repeated: [], missingRequired: [] });
    });

    it('refers only to Secrets and keys the base defines', () => {
      const refs = containers.flatMap((container) => (container.env ?? []).flatMap((env) => (env.valueFrom?.secretKeyRef === undefined ? [] : [env.valueFrom.secretKeyRef])));
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        const secret = named<KubeObject & { stringData?: Record<string, string> }>('Secret', ref.name);
        expect(Object.keys(secret.stringData ?? {})).toContain(ref.key);
      }
    });
  });

  describe('the relay StatefulSet', () => {
    const relay = named<Workload>('StatefulSet', 'relay');
    const pod = relay.spec.template.spec;
    const container = pod.containers.find((candidate) => candidate.name === 'relay')!;
    const defaults: readonly { name: string; default?: string }[] = CONFIG_VARIABLES;
    const env = (name: string): string | undefined =>
      container.env?.find((variable) => variable.name === name)?.value ?? defaults.find((variable) => variable.name === name)?.default;

    it('keeps the outbox (DATA_DIR) on a PersistentVolumeClaim per replica, never on an emptyDir', () => {
      const dataDir = env('DATA_DIR');
      const mount = container.volumeMounts?.find((volume) => volume.mountPath === dataDir);
      expect(mount).toBeDefined();
      expect(relay.spec.volumeClaimTemplates?.map((claim) => claim.metadata.name)).toContain(mount!.name);
      expect(pod.volumes?.some((volume) => volume.name === mount!.name)).toBe(false);
      expect(relay.spec.replicas).toBeGreaterThan(1);
    });

    it("bounds the outbox below its volume, disk reserve included, so the bound (50301) answers before the disk runs short", () => {
      const claim = relay.spec.volumeClaimTemplates!.find((candidate) => container.volumeMounts?.some((mount) => mount.name === candidate.metadata.name && mount.mountPath === env('DATA_DIR')));
      const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(claim?.spec?.resources?.requests?.storage ?? '') ?? [];
      expect(amount).toBeDefined();
      const volumeBytes = Number(amount) * (unit === 'Gi' ? 1024 ** 3 : 1024 ** 2);
      expect(Number(env('OUTBOX_MAX_BYTES')) + Number(env('OUTBOX_DISK_RESERVE_BYTES'))).toBeLessThan(volumeBytes);
    });

    it('has readiness on /health/ready and liveness on /health/live, on the container port', () => {
      const port = container.ports!.find((candidate) => candidate.containerPort === Number(env('PORT')));
      expect(port).toBeDefined();
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: port!.name });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: port!.name });
    });

    it('gives SIGTERM longer than the preStop pause plus SHUTDOWN_TIMEOUT_MS of outbox delivery', () => {
      const preStopS = Number(container.lifecycle?.preStop?.exec?.command[1] ?? 0);
      const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
      expect(graceMs).toBeGreaterThan(Number(env('SHUTDOWN_TIMEOUT_MS')) + preStopS * 1000 + 5000);
    });

    it('is covered by a PodDisruptionBudget, the Services and one ServiceMonitor on /metrics', () => {
      const labels = relay.spec.template.metadata.labels;
      expect(selects(relay.spec.selector.matchLabels, labels)).toBe(true);
      const pdb = named<KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number } }>('PodDisruptionBudget', 'relay');
      expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(named<KubeObject & { spec: { clusterIP?: string } }>('Service', relay.spec.serviceName!).spec.clusterIP).toBe('None');
      const monitor = named<KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } }>('ServiceMonitor', 'relay');
      const scraped = ofKind<KubeObject & { spec: { selector: Record<string, string>; ports: { name: string }[] } }>('Service').filter((service) =>
        selects(monitor.spec.selector.matchLabels, service.metadata.labels),
      );
      expect(scraped.map((service) => service.metadata.name)).toEqual(['relay']);
      expect(selects(scraped[0].spec.selector, labels)).toBe(true);
      expect(scraped[0].spec.ports.map((port) => port.name)).toContain(monitor.spec.endpoints[0].port);
      expect(monitor.spec.endpoints[0].path).toBe('/metrics');
    });
  });

  describe('the relay Ingress', () => {
    const ingress = named<IngressObject>('Ingress', 'relay');
    const paths = ingress.spec.rules.flatMap((rule) => rule.http.paths);
    /** The routes the relay's webhook controller serves, read from its Nest route metadata. */
    const webhookRoutes = Object.getOwnPropertyNames(WebhookController.prototype)
      .filter((method) => method !== 'constructor')
      .map((method) => `/${Reflect.getMetadata(PATH_METADATA, WebhookController) as string}/${Reflect.getMetadata(PATH_METADATA, (WebhookController.prototype as unknown as Record<string, object>)[method]) as string}`);

    it('routes exactly the webhook paths of the relay, so /health, /metrics and /admin stay inside the cluster', () => {
      expect(webhookRoutes.sort()).toEqual(['/webhooks/tencent/live', '/webhooks/tencent/trtc']);
      expect(paths.map((path) => path.path).sort()).toEqual(webhookRoutes);
      expect(paths.every((path) => path.pathType === 'Exact')).toBe(true);
    });

    it('sends them to the relay Service on a port it has', () => {
      const service = named<KubeObject & { spec: { ports: { name: string }[] } }>('Service', 'relay');
      for (const { backend } of paths) {
        expect(backend.service.name).toBe('relay');
        expect(service.spec.ports.map((port) => port.name)).toContain(backend.service.port.name);
      }
    });

    it('ends TLS for every host it routes, with a certificate cert-manager keeps in the Secret', () => {
      const routed = ingress.spec.rules.map((rule) => rule.host);
      const covered = ingress.spec.tls.flatMap((entry) => entry.hosts);
      expect(routed.length).toBeGreaterThan(0);
      expect(routed.filter((host) => !covered.includes(host))).toEqual([]);
      expect(ingress.spec.tls.every((entry) => entry.secretName !== undefined && entry.secretName !== '')).toBe(true);
      expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toEqual(expect.any(String));
    });
  });

  describe('the presence Deployment', () => {
    const presence = named<Workload>('Deployment', 'presence');
    const container = presence.spec.template.spec.containers[0];

    it('runs the presence entry of the image, with its probes, one replica replaced with Recreate', () => {
      expect(container.command).toEqual(['node', 'dist/apps/presence/src/main.js']);
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(presence.spec.replicas).toBe(1);
      expect(presence.spec.strategy?.type).toBe('Recreate');
      const service = named<KubeObject & { spec: { selector: Record<string, string> } }>('Service', 'presence');
      expect(selects(service.spec.selector, presence.spec.template.metadata.labels)).toBe(true);
    });
  });
});
