import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema, keyPrefix, QueueName, secretVariables } from '@ms1/shared';

// The Kubernetes manifests of deploy/k8s, read as YAML and checked against the project itself: probes on ports the
// containers expose, secrets only through secretKeyRef, only variables the config schema knows, and KEDA triggers
// on the real BullMQ wait lists (names imported from packages/shared, so a rename breaks this test).
const K8S = path.resolve(__dirname, '../k8s');

interface Manifest {
  file: string;
  doc: Record<string, unknown>;
}
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );
}

function load(file: string): Obj[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const d of docs) if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => obj(d.toJS())).filter((d) => Object.keys(d).length > 0);
}

const files = yamlFiles(K8S);
const kustomizations = files.filter((f) => path.basename(f) === 'kustomization.yaml');
const manifests: Manifest[] = files
  .filter((f) => !kustomizations.includes(f))
  .flatMap((file) => load(file).map((doc) => ({ file: path.relative(K8S, file), doc })));
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind);
const nameOf = (m: Manifest) => String(obj(m.doc.metadata).name);
const config = obj(ofKind('ConfigMap').find((m) => nameOf(m) === 'ms1-config')?.doc.data);
const podSpec = (m: Manifest) => obj(obj(obj(m.doc.spec).template).spec);
const containersOf = (m: Manifest) => arr(podSpec(m).containers);

/** Variables that must come from the Secret: the config's secrets, plus credentials that are not in that list. */
const SECRET_ENV = new Set<string>([...secretVariables, 'S3_ACCESS_KEY_ID', 'REDIS_URL', 'REDIS_PASSWORD']);
const KNOWN_ENV = new Set(Object.keys(obj(envSchema.describe().keys)));

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('parse as YAML, and each has apiVersion, kind and metadata.name', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const m of manifests) {
      expect({ file: m.file, apiVersion: typeof m.doc.apiVersion, kind: typeof m.doc.kind }).toEqual({
        file: m.file,
        apiVersion: 'string',
        kind: 'string',
      });
      expect(nameOf(m)).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
  });

  it('list every manifest of their folder in a kustomization (the Secret template excepted)', () => {
    expect(kustomizations.length).toBeGreaterThanOrEqual(2);
    for (const k of kustomizations) {
      const dir = path.dirname(k);
      const listed = (load(k)[0]?.resources as string[] | undefined) ?? [];
      for (const r of listed) expect(fs.existsSync(path.join(dir, r))).toBe(true);
      const here = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
      expect(here.filter((f) => f !== 'secret.example.yaml').sort()).toEqual([...listed].sort());
    }
  });

  it('run the four apps as separate Deployments, probed on /health at a port they expose', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map(nameOf).sort()).toEqual(['ingest-api', 'mail-sync', 'ms4-sender', 'processor-worker']);
    for (const d of deployments) {
      for (const c of containersOf(d)) {
        const ports = arr(c.ports);
        const exposed = new Set<unknown>([...ports.map((p) => p.name), ...ports.map((p) => p.containerPort)]);
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          const get = obj(obj(c[probe]).httpGet);
          expect({ deployment: nameOf(d), probe, path: get.path }).toEqual({
            deployment: nameOf(d),
            probe,
            path: '/health',
          });
          expect({ deployment: nameOf(d), probe, port: exposed.has(get.port) }).toEqual({
            deployment: nameOf(d),
            probe,
            port: true,
          });
        }
        // A worker's side port is the one its HEALTH_PORT names.
        const healthPort = arr(c.env).find((e) => e.name === 'HEALTH_PORT')?.value;
        const listened = healthPort ?? arr(c.env).find((e) => e.name === 'PORT')?.value;
        expect(ports.map((p) => String(p.containerPort))).toContain(String(listened));
      }
    }
  });

  it('take secrets only from the Secret, through secretKeyRef, and set only variables the config schema knows', () => {
    for (const key of Object.keys(config)) {
      expect({ configMapKey: key, secret: SECRET_ENV.has(key) }).toEqual({ configMapKey: key, secret: false });
      expect({ configMapKey: key, known: KNOWN_ENV.has(key) }).toEqual({ configMapKey: key, known: true });
    }
    for (const d of ofKind('Deployment'))
      for (const c of containersOf(d)) {
        for (const e of arr(c.env)) {
          const name = String(e.name);
          expect({ env: name, known: KNOWN_ENV.has(name) }).toEqual({ env: name, known: true });
          if (!SECRET_ENV.has(name)) continue;
          expect({ deployment: nameOf(d), env: name, value: e.value }).toEqual({
            deployment: nameOf(d),
            env: name,
            value: undefined,
          });
          expect(obj(obj(e.valueFrom).secretKeyRef)).toMatchObject({ name: 'ms1-secrets', key: name });
        }
        for (const from of arr(c.envFrom)) expect(from.secretRef).toBeUndefined();
      }
  });

  it('run as non-root on a read-only root file system, with resource requests and a memory limit', () => {
    for (const d of ofKind('Deployment')) {
      expect(obj(podSpec(d).securityContext)).toMatchObject({ runAsNonRoot: true });
      for (const c of containersOf(d)) {
        expect(obj(c.securityContext)).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        const resources = obj(c.resources);
        expect(Object.keys(obj(resources.requests)).sort()).toEqual(['cpu', 'memory']);
        expect(obj(resources.limits).memory).toBeDefined();
      }
    }
  });

  it('guard every Deployment with a PodDisruptionBudget that selects its pods', () => {
    const labels = new Map(
      ofKind('Deployment').map((d) => [nameOf(d), obj(obj(obj(d.doc.spec).selector).matchLabels)]),
    );
    const guarded = ofKind('PodDisruptionBudget').map((p) => {
      const sel = obj(obj(obj(p.doc.spec).selector).matchLabels);
      const match = [...labels].find(([, l]) => JSON.stringify(l) === JSON.stringify(sel));
      expect({ pdb: nameOf(p), selects: match?.[0] ?? null }).toEqual({ pdb: nameOf(p), selects: nameOf(p) });
      return match?.[0];
    });
    expect(guarded.sort()).toEqual([...labels.keys()].sort());
  });

  it('scale processor-worker and ms4-sender with KEDA on the BullMQ waiting jobs of the configured prefix', () => {
    const prefix = keyPrefix(String(config.QUEUE_PREFIX));
    // Waiting jobs: the wait list, and for e-mails (prioritized by page rank, fair mailboxes) the prioritized set.
    const expected: Record<string, string[]> = {
      'processor-worker': [
        `${prefix}:${QueueName.EmailInbound}:wait`,
        `${prefix}:${QueueName.EmailInbound}:prioritized`,
      ],
      'ms4-sender': [`${prefix}:${QueueName.Ms4Outbound}:wait`],
    };
    const scaled = ofKind('ScaledObject');
    expect(scaled.map((s) => String(obj(obj(s.doc.spec).scaleTargetRef).name)).sort()).toEqual(
      Object.keys(expected).sort(),
    );
    const deployments = new Set(ofKind('Deployment').map(nameOf));
    const auths = new Set(ofKind('TriggerAuthentication').map(nameOf));
    for (const s of scaled) {
      const spec = obj(s.doc.spec);
      const target = String(obj(spec.scaleTargetRef).name);
      expect(deployments.has(target)).toBe(true);
      expect(arr(spec.triggers).map((t) => obj(t.metadata).listName)).toEqual(expected[target]);
      for (const t of arr(spec.triggers)) {
        expect(['redis', 'redis-cluster']).toContain(t.type);
        const meta = obj(t.metadata);
        expect(Number(meta.listLength)).toBeGreaterThan(0);
        expect(auths.has(String(obj(t.authenticationRef).name))).toBe(true);
        // The trigger reads the same Redis Cluster as the apps.
        if (t.type === 'redis-cluster') expect(meta.addresses).toBe(config.REDIS_CLUSTER_NODES);
      }
    }
    expect(expected['processor-worker']).toEqual(['{ms1}:email-inbound:wait', '{ms1}:email-inbound:prioritized']);
  });
});
