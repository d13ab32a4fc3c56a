// Every name the mesh knows (namespaces, workloads, Services, service accounts, policies, the values
// of groups-claim conditions), bare and as `namespace/name`: what ground-prose.ts rejects in a model's
// text when the facts do not mention it. Cached per Mesh object.
import type { Mesh } from '../policy/resources/mesh.js';
import type { CopilotDeps } from './deps.js';

const cache = new WeakMap<Mesh, readonly string[]>();

export function knownNames(deps: CopilotDeps, mesh: Mesh): readonly string[] {
  const hit = cache.get(mesh);
  if (hit !== undefined) return hit;
  const names = new Set<string>(mesh.namespaces.keys());
  for (const list of [mesh.workloads, mesh.services, mesh.serviceAccounts, mesh.authorizationPolicies, mesh.peerAuthentications, mesh.requestAuthentications, mesh.gateways]) {
    for (const o of list) {
      names.add(o.name);
      names.add(`${o.namespace}/${o.name}`);
    }
  }
  const claim = `request.auth.claims[${deps.settings.groupsClaim.claim}]`;
  for (const p of mesh.authorizationPolicies) {
    for (const rule of p.spec.rules ?? []) for (const c of rule.when ?? []) if (c.key === claim) for (const v of [...(c.values ?? []), ...(c.notValues ?? [])]) names.add(v);
  }
  const out = [...names].filter((n) => n !== '');
  cache.set(mesh, out);
  return out;
}
