// A MeshSource over files (the embedded default and `--mesh`): reads the paths once on start (and on
// `reload()`), parses and builds the Mesh with the engine exactly as parseMesh does. Never writes.
import { createHash } from 'node:crypto';

import { buildMesh } from '../policy/parse/build-mesh.js';
import type { MeshFinding } from '../policy/parse/mesh-finding.js';
import { parseDocuments } from '../policy/parse/parse-documents.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { MeshSnapshot, MeshSource } from './mesh-source.js';
import { readMeshFiles } from './read-mesh-files.js';

export interface FileMeshSourceOptions {
  /** Injected for tests; default reads the paths from disk. */
  readonly read?: (paths: readonly string[]) => Promise<readonly { file: string; text: string }[]>;
}

/** Builds a snapshot from file texts (parseDocuments per file, then buildMesh, as parseMesh does). */
export function snapshotFromTexts(sources: readonly { file: string; text: string }[], generation: number): MeshSnapshot {
  const documents: ParsedDocument[] = [];
  const findings: MeshFinding[] = [];
  const hash = createHash('sha256');
  for (const source of sources) {
    hash.update(`${source.file}\0${source.text}\0`);
    const parsed = parseDocuments(source.text, source.file);
    documents.push(...parsed.documents);
    findings.push(...parsed.findings);
  }
  const built = buildMesh(documents);
  return { mesh: built.mesh, findings: [...findings, ...built.findings], documents, resourceVersion: `sha256:${hash.digest('hex').slice(0, 16)}`, generation };
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
