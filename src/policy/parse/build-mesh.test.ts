import { describe, expect, it } from 'vitest';

import { parseMesh } from './parse-mesh.js';

// Inline because tests beside src/policy may neither read files nor import from test/ (lint rules).
const fixtureText = `# A small but realistic mesh: a sidecar namespace, an ambient namespace with a waypoint, an ingress
# Gateway, a namespace outside the mesh, MeshConfig, and the three Istio security kinds.
apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    trustDomain: example.org
    trustDomainAliases: [old.example.org]
    extensionProviders:
    - name: opa
      envoyExtAuthzGrpc:
        service: opa.opa.svc.cluster.local
        port: 9191
    pathNormalization:
      normalization: MERGE_SLASHES
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    istio.io/dataplane-mode: ambient
    istio.io/use-waypoint: payments-waypoint
---
apiVersion: v1
kind: Namespace
metadata:
  name: legacy
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: frontend
  namespace: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
  labels:
    team: web
spec:
  selector:
    matchLabels:
      app: frontend
  template:
    metadata:
      labels:
        app: frontend
        version: v1
    spec:
      serviceAccountName: frontend
      containers:
      - name: app
        image: example/frontend:1
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch-probe
  namespace: shop
spec:
  selector:
    matchLabels:
      app: batch-probe
  template:
    metadata:
      labels:
        app: batch-probe
      annotations:
        sidecar.istio.io/rewriteAppHTTPProbers: "false"
    spec:
      containers:
      - name: app
        image: example/batch:1
        ports:
        - containerPort: 9000
        livenessProbe:
          tcpSocket:
            port: 9000
---
apiVersion: v1
kind: Service
metadata:
  name: frontend
  namespace: shop
spec:
  selector:
    app: frontend
  ports:
  - name: http-web
    port: 80
    targetPort: http
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ledger
  namespace: payments
spec:
  serviceName: ledger
  selector:
    matchLabels:
      app: ledger
  template:
    metadata:
      labels:
        app: ledger
    spec:
      serviceAccountName: ledger
      containers:
      - name: ledger
        image: example/ledger:1
        ports:
        - containerPort: 7070
          protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: ledger
  namespace: payments
spec:
  selector:
    app: ledger
  ports:
  - name: grpc
    port: 7070
    appProtocol: grpc
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: payments-waypoint
  namespace: payments
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-waypoint
  namespace: payments
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: payments-waypoint
  template:
    metadata:
      labels:
        gateway.networking.k8s.io/gateway-name: payments-waypoint
        gateway.istio.io/managed: istio.io-mesh-controller
        istio.io/dataplane-mode: none
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      serviceAccountName: payments-waypoint
      containers:
      - name: istio-proxy
        image: istio/proxyv2:1.28.0
        ports:
        - containerPort: 15008
          name: hbone
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ingress
  namespace: istio-system
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-istio
  namespace: istio-system
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: ingress
  template:
    metadata:
      labels:
        gateway.networking.k8s.io/gateway-name: ingress
        gateway.istio.io/managed: istio.io-gateway-controller
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      serviceAccountName: ingress-istio
      containers:
      - name: istio-proxy
        image: istio/proxyv2:1.28.0
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: cron-client
  namespace: legacy
  labels:
    app: cron-client
spec:
  containers:
  - name: curl
    image: curlimages/curl
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: frontend-allow
  namespace: shop
  annotations:
    istio.io/dry-run: "false"
spec:
  selector:
    matchLabels:
      app: frontend
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - example.org/ns/istio-system/sa/ingress-istio
        - example.org/ns/shop/sa/frontend
    to:
    - operation:
        methods: [GET, POST]
        paths: ["/api/*"]
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: ledger-waypoint
  namespace: payments
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: ledger
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/admin*"]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: shop
spec:
  selector:
    matchLabels:
      app: frontend
  jwtRules:
  - issuer: https://idp.example.org
    jwksUri: https://idp.example.org/jwks
`;

const fixtureLines = fixtureText.split('\n');
/** 1-based line of the first fixture line containing `needle` after line `after`. */
const lineOf = (needle: string, after = 0) => fixtureLines.findIndex((l, i) => i >= after && l.includes(needle)) + 1;

const mesh = (text: string, file = 'm.yaml') => parseMesh([{ file, text }]);

describe('buildMesh on a realistic mesh (sidecar, ambient, waypoint, gateway)', () => {
  const { mesh: m, findings } = parseMesh([{ file: 'realistic-mesh.yaml', text: fixtureText }]);
  const workload = (name: string) => m.workloads.find((w) => w.name === name)!;

  it('has no findings and recognises every object', () => {
    expect(findings).toEqual([]);
    expect([...m.namespaces.keys()]).toEqual(['istio-system', 'shop', 'payments', 'legacy']);
    expect(m.workloads.map((w) => `${w.kind}/${w.namespace}/${w.name}`)).toEqual([
      'Deployment/shop/frontend',
      'Deployment/shop/batch-probe',
      'StatefulSet/payments/ledger',
      'Deployment/payments/payments-waypoint',
      'Deployment/istio-system/ingress-istio',
      'Pod/legacy/cron-client',
    ]);
    expect(m.services.map((s) => s.name)).toEqual(['frontend', 'ledger']);
    expect(m.serviceAccounts.map((s) => `${s.namespace}/${s.name}`)).toEqual(['shop/frontend']);
    expect(m.gateways.map((g) => [g.name, g.gatewayClassName])).toEqual([
      ['payments-waypoint', 'istio-waypoint'],
      ['ingress', 'istio'],
    ]);
    expect(m.authorizationPolicies.map((p) => [p.apiVersion, p.name])).toEqual([
      ['security.istio.io/v1', 'frontend-allow'],
      ['security.istio.io/v1beta1', 'ledger-waypoint'],
    ]);
    expect(m.peerAuthentications.map((p) => p.spec.mtls?.mode)).toEqual(['STRICT']);
    expect(m.requestAuthentications[0]!.spec.jwtRules?.[0]?.issuer).toBe('https://idp.example.org');
  });

  it('reads MeshConfig from ConfigMap istio', () => {
    expect(m.meshConfig).toEqual({
      rootNamespace: 'istio-system',
      trustDomain: 'example.org',
      trustDomainAliases: ['old.example.org'],
      extensionProviders: [{ name: 'opa', envoyExtAuthzGrpc: { service: 'opa.opa.svc.cluster.local', port: 9191 } }],
      pathNormalization: 'MERGE_SLASHES',
      numTrustedProxies: 0,
    });
    expect(m.meshConfigSource).toMatchObject({ kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' });
  });

  it('decides dataplane, waypoint and gateway roles', () => {
    expect(m.workloads.map((w) => [w.name, w.dataplane, w.isWaypoint, w.gatewayName ?? null])).toEqual([
      ['frontend', 'sidecar', false, null],
      ['batch-probe', 'sidecar', false, null],
      ['ledger', 'ambient', false, null],
      ['payments-waypoint', 'sidecar', true, 'payments-waypoint'],
      ['ingress-istio', 'sidecar', false, 'ingress'],
      ['cron-client', 'none', false, null],
    ]);
  });

  it('reads pod template labels, service accounts, ports and probes', () => {
    const frontend = workload('frontend');
    expect(frontend.labels).toEqual({ app: 'frontend', version: 'v1' });
    expect(frontend.serviceAccount).toBe('frontend');
    expect(frontend.containerPorts).toEqual([{ port: 8080, name: 'http', protocol: 'TCP' }]);
    expect(frontend.probes).toEqual([{ port: 8080, kind: 'http', path: '/healthz', rewritten: true }]);
    expect(workload('batch-probe').probes).toEqual([{ port: 9000, kind: 'tcp', rewritten: false }]);
    expect(workload('batch-probe').serviceAccount).toBe('default');
    expect(workload('cron-client').serviceAccount).toBe('default');
  });

  it('reads Services', () => {
    expect(m.services[0]).toMatchObject({ selector: { app: 'frontend' }, ports: [{ name: 'http-web', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    expect(m.services[1]!.ports).toEqual([{ name: 'grpc', port: 7070, protocol: 'TCP', appProtocol: 'grpc' }]);
  });

  it('keeps source locations and field lines', () => {
    const policy = m.authorizationPolicies[0]!;
    const start = lineOf('name: frontend-allow') - 3;
    expect(policy.source).toEqual({ file: 'realistic-mesh.yaml', line: start, column: 1 });
    expect(policy.lineOf('spec.rules[0].from[0].source.principals[1]')).toBe(lineOf('- example.org/ns/shop/sa/frontend'));
    expect(policy.lineOf('metadata.annotations["istio.io/dry-run"]')).toBe(lineOf('istio.io/dry-run'));
    expect(policy.annotations['istio.io/dry-run']).toBe('false');
    expect(workload('ledger').lineOf('spec.template.spec.containers[0].ports[0]')).toBe(lineOf('- containerPort: 7070'));
  });

  it('is immutable', () => {
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.workloads)).toBe(true);
    expect(Object.isFrozen(m.workloads[0])).toBe(true);
  });
});

const ns = (name: string, labels: Record<string, string> = {}) => `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;
const ap = (name: string, spec: string, namespace = 'app', apiVersion = 'security.istio.io/v1') =>
  `---\napiVersion: ${apiVersion}\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n${spec}`;

describe('buildMesh: security policies', () => {
  it('leaves out a policy whose spec fails the CRD schema, with the field and its line', () => {
    const text = `${ap('ok', 'spec:\n  action: DENY\n')}${ap('bad', 'spec:\n  rules:\n  - to:\n    - operation:\n        method: [GET]\n')}`;
    const { mesh: m, findings } = mesh(text);
    expect(m.authorizationPolicies.map((p) => p.name)).toEqual(['ok']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'mesh.invalid-policy', level: 'error', file: 'm.yaml', line: 19, field: 'spec.rules[0].to[0].operation.method', resource: { kind: 'AuthorizationPolicy', namespace: 'app', name: 'bad' } });
  });

  it('rejects bad enums and wrong types', () => {
    const { mesh: m, findings } = mesh(`${ap('a', 'spec:\n  action: MAYBE\n')}${ap('b', 'spec:\n  rules: {}\n')}`);
    expect(m.authorizationPolicies).toEqual([]);
    expect(findings.map((f) => [f.field, f.line])).toEqual([
      ['spec.action', 8],
      ['spec.rules', 16],
    ]);
  });

  it('treats null fields as absent (API server pruning) and a missing spec as empty', () => {
    const { mesh: m, findings } = mesh(`${ap('a', 'spec:\n  selector: null\n  action: ALLOW\n  rules: ~\n')}${ap('b', '')}`);
    expect(findings).toEqual([]);
    expect(m.authorizationPolicies.map((p) => [p.name, p.spec])).toEqual([
      ['a', { action: 'ALLOW' }],
      ['b', {}],
    ]);
  });

  it('reads PeerAuthentication and RequestAuthentication in v1beta1 too, and refuses other versions', () => {
    const text = `---\napiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: app}\nspec:\n  portLevelMtls:\n    "8080": {mode: DISABLE}\n---\napiVersion: security.istio.io/v1alpha1\nkind: RequestAuthentication\nmetadata: {name: r, namespace: app}\n`;
    const { mesh: m, findings } = mesh(text);
    expect(m.peerAuthentications[0]!.spec).toEqual({ portLevelMtls: { '8080': { mode: 'DISABLE' } } });
    expect(m.requestAuthentications).toEqual([]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['mesh.unsupported-version', 9]]);
  });

  it('reports duplicates; the last definition wins', () => {
    const { mesh: m, findings } = mesh(`${ap('a', 'spec:\n  action: DENY\n')}${ap('a', 'spec:\n  action: AUDIT\n', 'app', 'security.istio.io/v1beta1')}${ap('a', 'spec: {}\n', 'other')}`);
    expect(m.authorizationPolicies.map((p) => [p.namespace, p.spec.action ?? null])).toEqual([
      ['app', 'AUDIT'],
      ['other', null],
    ]);
    expect(findings.map((f) => [f.rule, f.level, f.line])).toEqual([['mesh.duplicate-object', 'warning', 13]]);
    expect(findings[0]!.message).toContain('m.yaml:2');
  });

  it('reports objects without a name and defaults the namespace', () => {
    const { mesh: m, findings } = mesh('---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n');
    expect(m.serviceAccounts.map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/sa']);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['mesh.invalid-object', 4]]);
  });
});

describe('buildMesh: MeshConfig', () => {
  const cm = (namespace: string, meshText: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: ${namespace}\ndata:\n  mesh: |\n${meshText.split('\n').map((l) => `    ${l}`).join('\n')}\n`;

  it('uses Istio defaults without a ConfigMap', () => {
    const { mesh: m } = mesh(ns('a'));
    expect(m.meshConfig).toMatchObject({ rootNamespace: 'istio-system', trustDomain: 'cluster.local', pathNormalization: 'BASE' });
    expect(m.meshConfigSource).toBeUndefined();
  });

  it("takes the root namespace from MeshConfig, else Istio's default istio-system (wherever the ConfigMap lives)", () => {
    expect(mesh(cm('istio-system', 'rootNamespace: istio-config')).mesh.meshConfig.rootNamespace).toBe('istio-config');
    expect(mesh(cm('mesh-admin', 'rootNamespace: mesh-admin')).mesh.meshConfig.rootNamespace).toBe('mesh-admin');
    expect(mesh(cm('mesh-admin', 'trustDomain: td')).mesh.meshConfig.rootNamespace).toBe('istio-system');
  });

  it('prefers istio-system when several istio ConfigMaps exist', () => {
    const { mesh: m, findings } = mesh(`${cm('elsewhere', 'trustDomain: a')}${cm('istio-system', 'trustDomain: b')}`);
    expect(m.meshConfig.trustDomain).toBe('b');
    expect(findings.map((f) => f.rule)).toEqual(['mesh.mesh-config.ambiguous']);
  });

  it('reports unreadable data.mesh and keeps the defaults', () => {
    const bad = mesh(cm('istio-system', 'pathNormalization: {normalization: WEIRD}'));
    expect(bad.mesh.meshConfig.pathNormalization).toBe('BASE');
    expect(bad.findings.map((f) => [f.rule, f.line])).toEqual([['mesh.mesh-config', 8]]);
    const broken = mesh(cm('istio-system', 'trustDomain: [unclosed'));
    expect(broken.findings.map((f) => [f.rule, f.line])).toEqual([['mesh.mesh-config', 8]]);
    expect(mesh(cm('istio-system', 'numTrustedProxies: 2\ndefaultConfig:\n  gatewayTopology:\n    numTrustedProxies: 2')).mesh.meshConfig.numTrustedProxies).toBe(2);
  });
});

describe('buildMesh: workloads', () => {
  const template = (labels: Record<string, string>, extra = '') =>
    `  template:\n    metadata:\n      labels: ${JSON.stringify(labels)}\n    spec:\n      serviceAccountName: runner\n      containers:\n      - name: c\n        ports: [{containerPort: 80}]\n${extra}`;

  it('reads every workload kind from its pod template', () => {
    const text = [
      ns('jobs', { 'istio-injection': 'enabled' }),
      `---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: jobs}\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n${template({ app: 'cj' }).replace(/^(?=.)/gm, '    ')}`,
      `---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: jobs}\nspec:\n${template({ app: 'j' })}`,
      `---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds, namespace: jobs}\nspec:\n${template({ app: 'ds' })}`,
      `---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: jobs}\nspec:\n${template({ app: 'rs' })}`,
      `---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: jobs, labels: {app: p}}\nspec:\n  hostNetwork: true\n  containers: [{name: c}]\n`,
    ].join('');
    const { mesh: m, findings } = mesh(text);
    expect(findings).toEqual([]);
    expect(m.workloads.map((w) => [w.kind, w.labels['app'], w.serviceAccount, w.containerPorts.map((p) => p.port), w.dataplane])).toEqual([
      ['CronJob', 'cj', 'runner', [80], 'sidecar'],
      ['Job', 'j', 'runner', [80], 'sidecar'],
      ['DaemonSet', 'ds', 'runner', [80], 'sidecar'],
      ['ReplicaSet', 'rs', 'runner', [80], 'sidecar'],
      ['Pod', 'p', 'default', [], 'none'],
    ]);
  });

  it('applies namespace labels wherever the Namespace is declared, and none when it is absent', () => {
    const deploy = (namespace: string) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ${namespace}}\nspec:\n${template({ app: 'd' })}`;
    const { mesh: m } = mesh(`${deploy('amb')}${deploy('nowhere')}${ns('amb', { 'istio.io/dataplane-mode': 'ambient' })}`);
    expect(m.workloads.map((w) => [w.namespace, w.dataplane])).toEqual([
      ['amb', 'ambient'],
      ['nowhere', 'none'],
    ]);
  });

  it('detects waypoints by Gateway class or by the mesh controller label', () => {
    const gw = (name: string, cls: string) => `---\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: Gateway\nmetadata: {name: ${name}, namespace: w}\nspec: {gatewayClassName: ${cls}}\n`;
    const pod = (name: string, labels: Record<string, string>) => `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: w, labels: ${JSON.stringify(labels)}}\nspec: {containers: [{name: istio-proxy}]}\n`;
    const text = [
      gw('wp', 'istio-waypoint'),
      gw('ing', 'istio'),
      `---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: classic, namespace: w}\nspec: {selector: {istio: ingressgateway}}\n`,
      pod('a', { 'gateway.networking.k8s.io/gateway-name': 'wp' }),
      pod('b', { 'gateway.networking.k8s.io/gateway-name': 'ing' }),
      pod('c', { 'gateway.networking.k8s.io/gateway-name': 'unknown', 'gateway.istio.io/managed': 'istio.io-mesh-controller' }),
      pod('d', { 'gateway.networking.k8s.io/gateway-name': 'unknown' }),
    ].join('');
    const { mesh: m } = mesh(text);
    expect(m.gateways.map((g) => g.name)).toEqual(['wp', 'ing']);
    expect(m.workloads.map((w) => [w.name, w.isWaypoint, w.gatewayName])).toEqual([
      ['a', true, 'wp'],
      ['b', false, 'ing'],
      ['c', true, 'unknown'],
      ['d', false, 'unknown'],
    ]);
  });

  it('reports a workload without a pod template and ignores unknown kinds', () => {
    const { mesh: m, findings } = mesh('---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n');
    expect(m.workloads).toEqual([]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['mesh.invalid-object', 5]]);
  });

  it('reads probes of every kind; named ports resolve against the container', () => {
    const text = `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: p, labels: {istio-injection: enabled}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: p}\nspec:\n  containers:\n  - name: c\n    ports: [{name: web, containerPort: 8080}, {containerPort: 9090, protocol: UDP}]\n    livenessProbe: {httpGet: {port: web}}\n    readinessProbe: {tcpSocket: {port: 9090}}\n    startupProbe: {grpc: {port: 7000}}\n  - name: d\n    livenessProbe: {httpGet: {port: https, scheme: HTTPS, path: /ready}}\n    readinessProbe: {exec: {command: [true]}}\n`;
    const { mesh: m } = mesh(text);
    expect(m.workloads[0]!.probes).toEqual([
      { port: 8080, kind: 'http', rewritten: true },
      { port: 9090, kind: 'tcp', rewritten: true },
      { port: 7000, kind: 'grpc', rewritten: true },
      { port: 'https', kind: 'https', path: '/ready', rewritten: true },
    ]);
    expect(m.workloads[0]!.containerPorts).toEqual([
      { port: 8080, name: 'web', protocol: 'TCP' },
      { port: 9090, protocol: 'UDP' },
    ]);
  });
});
