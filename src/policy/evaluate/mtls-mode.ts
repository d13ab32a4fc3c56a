// The effective PeerAuthentication mode of a workload port (pilot/pkg/model/authentication.go
// `ComposePeerAuthentication`): mesh (root namespace, no selector) <- namespace (no selector) <- workload
// (selector, not in the root namespace) <- portLevelMtls; UNSET inherits; among several at one level the
// oldest wins (creationTimestamp, then name); nothing at all means PERMISSIVE.
import type { MtlsMode } from '../resources/peer-authentication.js';
import type { PeerAuthentication } from '../resources/mesh.js';

export interface EffectiveMtls {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** `ns/name` of the PeerAuthentication that set the mode; undefined for the PERMISSIVE default. */
  readonly policy?: string;
  readonly level: 'default' | 'mesh' | 'namespace' | 'workload' | 'port';
}

function timeOf(p: PeerAuthentication): number {
  if (p.creationTimestamp === undefined) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(p.creationTimestamp);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Sorted as istiod sorts configs: creation time, then name, then namespace. */
export function oldestFirst(list: readonly PeerAuthentication[]): PeerAuthentication[] {
  return [...list].sort((a, b) => {
    const ta = timeOf(a);
    const tb = timeOf(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
  });
}

function hasSelector(p: PeerAuthentication): boolean {
  return p.spec.selector?.matchLabels !== undefined && Object.keys(p.spec.selector.matchLabels).length > 0;
}

function selects(p: PeerAuthentication, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(p.spec.selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  return true;
}

export interface ComposedPeerAuthentication {
  readonly mesh?: PeerAuthentication;
  readonly namespace?: PeerAuthentication;
  readonly workload?: PeerAuthentication;
  /** Mode without port-level overrides. */
  readonly base: EffectiveMtls;
}

/**
 * Picks the mesh, namespace and workload PeerAuthentications for a workload. `candidates` are the
 * PeerAuthentications of the root namespace and of the workload's namespace, already oldest-first.
 */
export function composePeerAuthentication(
  candidates: readonly PeerAuthentication[],
  rootNamespace: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): ComposedPeerAuthentication {
  let mesh: PeerAuthentication | undefined;
  let ns: PeerAuthentication | undefined;
  let workload: PeerAuthentication | undefined;
  for (const p of candidates) {
    if (p.namespace !== rootNamespace && p.namespace !== namespace) continue;
    if (!hasSelector(p)) {
      if (p.namespace === rootNamespace) mesh ??= p;
      else ns ??= p;
    } else if (p.namespace !== rootNamespace && selects(p, labels)) {
      workload ??= p;
    }
  }
  let base: EffectiveMtls = { mode: 'PERMISSIVE', level: 'default' };
  const apply = (p: PeerAuthentication | undefined, level: EffectiveMtls['level']): void => {
    const mode = p?.spec.mtls?.mode;
    if (p !== undefined && mode !== undefined && mode !== 'UNSET') base = { mode, policy: `${p.namespace}/${p.name}`, level };
  };
  apply(mesh, 'mesh');
  apply(ns, 'namespace');
  apply(workload, 'workload');
  return { mesh, namespace: ns, workload, base };
}

/** The mode for one workload port. */
export function mtlsForPort(composed: ComposedPeerAuthentication, port: number | undefined): EffectiveMtls {
  const w = composed.workload;
  if (w === undefined || port === undefined) return composed.base;
  const entry = w.spec.portLevelMtls?.[String(port)];
  if (entry === undefined) return composed.base;
  const mode = entry.mode;
  if (mode === undefined || mode === 'UNSET') return composed.base;
  return { mode, policy: `${w.namespace}/${w.name}`, level: 'port' };
}
