// Multi-document YAML (and JSON, a subset of YAML) -> plain values with a field-path -> line map.
// Malformed input becomes findings with file and line, never an exception.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

import { formatFieldPath, type PathSegment, parseFieldPath } from './field-path.js';
import type { ParsedDocument, ParseFinding, ParseResult } from './parsed-document.js';

/** Parses every document of a file. Empty documents are skipped. */
export function parseDocuments(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const documents: ParsedDocument[] = [];
  const findings: ParseFinding[] = [];
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const errors = doc.errors;
    if (errors.length > 0) {
      for (const error of errors) {
        const pos = lineCounter.linePos(error.pos[0]);
        findings.push({ rule: 'yaml.syntax', level: 'error', file, line: pos.line, column: pos.col, message: error.message.split('\n')[0] ?? error.message });
      }
      continue;
    }
    if (doc.contents === null) continue;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const lines = new Map<string, number>();
    collectLines(doc.contents as Node, [], lines, lineCounter);
    const start = lineCounter.linePos((doc.contents as Node).range?.[0] ?? 0);
    documents.push({
      file,
      index: documents.length,
      source: { file, line: start.line, column: start.col },
      value,
      lineOf: (fieldPath) => lookupLine(lines, fieldPath, start.line),
    });
  }
  return { documents, findings };
}

function collectLines(node: Node, path: PathSegment[], lines: Map<string, number>, counter: LineCounter): void {
  if (node.range) lines.set(formatFieldPath(path), counter.linePos(node.range[0]).line);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyNode = pair.key as Node | null;
      const childPath = [...path, key];
      if (keyNode?.range) lines.set(formatFieldPath(childPath), counter.linePos(keyNode.range[0]).line);
      if (pair.value && typeof pair.value === 'object' && 'range' in pair.value && (isMap(pair.value) || isSeq(pair.value))) {
        collectLines(pair.value, childPath, lines, counter);
        if (keyNode?.range) lines.set(formatFieldPath(childPath), counter.linePos(keyNode.range[0]).line);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && typeof item === 'object' && 'range' in item) collectLines(item as Node, [...path, i], lines, counter);
    });
  }
}

function lookupLine(lines: ReadonlyMap<string, number>, fieldPath: string, fallback: number): number {
  const segments = parseFieldPath(fieldPath);
  for (let n = segments.length; n >= 0; n--) {
    const line = lines.get(formatFieldPath(segments.slice(0, n)));
    if (line !== undefined) return line;
  }
  return fallback;
}
