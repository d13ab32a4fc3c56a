// The request space of one workload's diff: the atoms of the rules read in each mesh (collect-atoms.ts),
// cut into dimensions (request-space.ts) in context-first order (protocol, port, token, then the issuer
// and audiences a token is accepted by, then the rest), the DiffSpace their formulas live in, and which
// contexts can occur (a port carries only the protocols its Services declare for it). Pure.
import type { Protocol } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import { appliesFor } from './class-request.js';
import { collectAtoms, collectExposure, newTargetAtoms, type TargetAtoms } from './collect-atoms.js';
import type { RuleRef } from './deciding-rules.js';
import { buildDims, type Dim, type SpaceOptions } from './request-space.js';
import { DiffSpace } from './side-formulas.js';
import { type Exposure, exposureOf, unionExposure } from './target-structure.js';

export interface WorkloadSpace {
  readonly space: DiffSpace;
  readonly dims: readonly Dim[];
  readonly atoms: TargetAtoms;
  readonly exposure: Exposure | undefined;
  readonly portIndex: number;
  readonly protocolIndex: number;
  /** Whether dimension `d` applies once the dimensions before it hold `cells`. */
  applies(d: Dim, cells: readonly number[]): boolean;
  /** Whether requests of a context (the context dimensions hold `cells`) can occur. */
  admits(cells: readonly number[]): boolean;
}

function rank(d: Dim): number {
  return d.key === 'protocol' ? 0 : d.key === 'port' ? 1 : d.key === 'token' ? 2 : d.key === 'claim:["iss"]' || d.key === 'claim:["aud"]' ? 3 : 4;
}

/** The space of a workload (`before`/`after`: its target in each mesh, undefined where it does not exist). */
export function workloadSpace(before: CompiledMesh, after: CompiledMesh, tB: ProxyTarget | undefined, tA: ProxyTarget | undefined, rulesB: readonly RuleRef[], rulesA: readonly RuleRef[]): WorkloadSpace {
  const atoms = newTargetAtoms();
  if (tB !== undefined) collectAtoms(atoms, before, tB, rulesB);
  if (tA !== undefined) collectAtoms(atoms, after, tA, rulesA);
  const exposure = tB === undefined ? exposureOf(after, tA as ProxyTarget) : tA === undefined ? exposureOf(before, tB) : unionExposure(exposureOf(before, tB), exposureOf(after, tA));
  collectExposure(atoms, exposure);
  return spaceOf(atoms, spaceOptions(before, after, exposure));
}

/** How the two meshes read values: their trust domains and path normalizations. */
export function spaceOptions(before: CompiledMesh, after: CompiledMesh, exposure: Exposure | undefined): SpaceOptions {
  const pathModes = [...new Set([before.mesh.meshConfig.pathNormalization, after.mesh.meshConfig.pathNormalization])];
  return { trustDomains: [...new Set([...before.bundle.trustDomains, ...after.bundle.trustDomains])], pathModes, exposure };
}

/** The space of a set of atoms (any port and protocol when `options.exposure` is undefined). */
export function spaceOf(atoms: TargetAtoms, options: SpaceOptions): WorkloadSpace {
  const exposure = options.exposure;
  const built = buildDims(atoms, options);
  const dims = built.map((d, i) => ({ d, i })).sort((x, y) => rank(x.d) - rank(y.d) || x.i - y.i).map((x) => x.d);
  const space = new DiffSpace(dims, dims.filter((d) => rank(d) < 4).length);
  const portIndex = dims.findIndex((d) => d.key === 'port');
  const protocolIndex = dims.findIndex((d) => d.key === 'protocol');
  return {
    space,
    dims,
    atoms,
    exposure,
    portIndex,
    protocolIndex,
    applies: appliesFor(dims),
    admits: (cells) => {
      if (exposure === undefined) return true;
      const port = dims[portIndex]?.cells[cells[portIndex] as number]?.rep as number;
      const protocol = dims[protocolIndex]?.cells[cells[protocolIndex] as number]?.key as Protocol;
      return exposure.get(port)?.includes(protocol) === true;
    },
  };
}
