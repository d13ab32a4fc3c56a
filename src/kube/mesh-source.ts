// What the rest of gic sees of "the mesh": a source that keeps an up-to-date, immutable Mesh snapshot,
// whether it reads files (FileMeshSource) or a cluster (LiveMeshSource). Consumers never learn which.
import type { InputError } from '../policy/parse/input-errors.js';
import type { MeshFinding } from '../policy/parse/mesh-finding.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { Mesh } from '../policy/resources/mesh.js';

export interface MeshSnapshot {
  readonly mesh: Mesh;
  /** Parse and build findings (a policy the CRD schema rejects is left out of the mesh and named here). */
  readonly findings: readonly MeshFinding[];
  /**
   * What could not be read as a cluster would read it (docs/input-errors.md): answers from this snapshot
   * carry these and are not usable unless the caller accepts them explicitly. A live cluster's objects
   * passed its API server, so there only mesh-building errors appear.
   */
  readonly inputErrors: readonly InputError[];
  /** The documents the mesh was built from; an offline dry-run applies proposals onto them. */
  readonly documents: readonly ParsedDocument[];
  /**
   * Identifies the state the snapshot reflects. Files: a hash of their contents. Cluster: the newest
   * resourceVersion (etcd revision) any of the watched kinds has reached; compare for equality only.
   */
  readonly resourceVersion: string;
  /** Cluster only: the resourceVersion each watched kind has reached, by kind. */
  readonly resourceVersions?: Readonly<Record<string, string>>;
  /** Increases with every change the source has seen. */
  readonly generation: number;
}

export interface MeshSource {
  /** `files:<paths>` or `cluster:<context>`: for logs and results. */
  readonly origin: string;
  /** Loads (files) or lists and starts watching (cluster); resolves once the first snapshot is complete. */
  start(): Promise<void>;
  /** A complete snapshot is available (cluster: every watched kind has been listed). */
  ready(): boolean;
  /** The current snapshot; throws when called before the source was ever ready. */
  snapshot(): MeshSnapshot;
  /** Called after each change (possibly many times per burst); returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  stop(): Promise<void>;
}
