// Deterministic random `gic check` requests against a generated mesh (bench/generate-mesh.ts): real
// target workloads and ports, callers that are workloads, bare principals or plaintext clients,
// HTTP attributes, JWTs (valid, invalid, absent), headers and addresses. Same seed, same requests.
import type { AccessRequest } from '../src/policy/evaluate/access-request.js';
import type { GeneratedMesh } from './generate-mesh.js';
import { SeededRandom } from './seeded-random.js';

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const PATHS = [
  '/api/v1/items', '/api/v1/items/42', '/admin', '/admin/users', '/healthz', '/api/eu/orders/2026/11/25',
  '/v2/library/manifests/latest', '/static/css/site.css', '/graphql', '/a/changes/12345', '/internal/debug',
  '/metrics', '//admin', '/api/v1/items?limit=10', '/status',
];
const GROUPS = ['gerrit-admins', 'release-managers', 'ci-admins', 'developers', 'reviewers', 'auditors', 'oncall'];

export function generateRequests(mesh: GeneratedMesh, count: number, seed: number): AccessRequest[] {
  const rnd = new SeededRandom(seed);
  const inMesh = mesh.workloads.filter((w) => w.ports.length > 0);
  const requests: AccessRequest[] = [];
  for (let i = 0; i < count; i++) {
    const target = rnd.pick(inMesh);
    const port = rnd.pick(target.ports);
    const caller = rnd.pick(mesh.workloads);
    const roll = rnd.next();
    const from: AccessRequest['from'] =
      roll < 0.7
        ? { namespace: caller.namespace, workload: caller.name }
        : roll < 0.85
          ? { principal: `${mesh.trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}` }
          : { plaintext: true, ip: `10.${rnd.int(0, 255)}.${rnd.int(0, 255)}.${rnd.int(1, 254)}` };
    const request: {
      -readonly [K in keyof AccessRequest]: AccessRequest[K];
    } = {
      to: { namespace: target.namespace, workload: target.name, port: port.port },
      from,
    };
    if (port.protocol !== 'tcp') {
      request.method = port.protocol === 'grpc' ? 'POST' : rnd.pick(METHODS);
      request.path = port.protocol === 'grpc' ? `/pkg.${target.name}.Service/Get` : rnd.pick(PATHS);
      if (rnd.chance(0.5)) request.host = rnd.chance(0.5) ? `${target.name}.${target.namespace}:${port.port}` : rnd.pick(['api.example.com', 'shop.example.org', 'internal.svc:8080']);
      if (rnd.chance(0.3)) request.headers = { 'x-tenant': rnd.pick(['core', 'payments', 'ml']), 'user-agent': 'bench/1.0' };
      const jwtRoll = rnd.next();
      if (jwtRoll < 0.4) {
        request.jwt = {
          iss: rnd.pick(mesh.issuers),
          sub: rnd.pick(['alice', 'bob', 'ci-bot', 'dave']),
          aud: rnd.sample(['gerrit', 'builds', 'api', 'web'], rnd.int(1, 2)),
          azp: 'gic-cli',
          claims: { groups: rnd.sample(GROUPS, rnd.int(0, 3)), realm_access: { roles: ['admin', 'user'] }, roles: 'read write' },
        };
      } else if (jwtRoll < 0.45) request.jwt = 'invalid';
    }
    if (rnd.chance(0.3)) request.sourceIp = `10.${rnd.int(0, 255)}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
    if (rnd.chance(0.2)) request.remoteIp = rnd.chance(0.5) ? `203.0.113.${rnd.int(1, 254)}` : `198.51.100.${rnd.int(1, 254)}`;
    if (rnd.chance(0.1)) request.destinationIp = `10.96.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
    if (rnd.chance(0.1)) request.sni = `outbound_.${port.port}_._.${target.name}.${target.namespace}.svc.cluster.local`;
    requests.push(request);
  }
  return requests;
}
