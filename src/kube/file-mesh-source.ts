// A MeshSource over files (the embedded default and `--mesh`): reads the paths once on start (and on
// `reload()`), parses and builds the Mesh with the engine exactly as parseMesh does, and computes its
// input errors (readMeshInput). Never writes.
import { createHash } from 'node:crypto';

import { readMeshInput } from '../policy/validate/read-mesh-input.js';
import type { MeshSnapshot, MeshSource } from './mesh-source.js';
import { readMeshFiles } from './read-mesh-files.js';

export interface FileMeshSourceOptions {
  /** Injected for tests; default reads the paths from disk. */
  readonly read?: (paths: readonly string[]) => Promise<readonly { file: string; text: string }[]>;
}

/** Builds a snapshot from file texts (parseDocuments per file, then buildMesh, as parseMesh does), with its input errors. */
export function snapshotFromTexts(sources: readonly { file: string; text: string }[], generation: number): MeshSnapshot {
  const hash = createHash('sha256');
  for (const source of sources) hash.update(`${source.file}\0${source.text}\0`);
  const { mesh, findings, inputErrors, documents } = readMeshInput(sources);
  return { mesh, findings, inputErrors, documents, resourceVersion: `sha256:${hash.digest('hex').slice(0, 16)}`, generation };
}

export class FileMeshSource implements MeshSource {
  readonly origin: string;
  private readonly paths: readonly string[];
  private readonly read: (paths: readonly string[]) => Promise<readonly { file: string; text: string }[]>;
  private current: MeshSnapshot | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(paths: readonly string[], options: FileMeshSourceOptions = {}) {
    this.paths = [...paths];
    this.origin = `files:${paths.join(',')}`;
    this.read = options.read ?? readMeshFiles;
  }

  async start(): Promise<void> {
    await this.reload();
  }

  /** Re-reads the files; listeners are told when the contents changed. */
  async reload(): Promise<void> {
    const next = snapshotFromTexts(await this.read(this.paths), (this.current?.generation ?? 0) + 1);
    const changed = this.current?.resourceVersion !== next.resourceVersion;
    if (!changed) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener();
  }

  ready(): boolean {
    return this.current !== undefined;
  }

  snapshot(): MeshSnapshot {
    if (this.current === undefined) throw new Error('FileMeshSource.snapshot() before start()');
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.listeners.clear();
  }
}
