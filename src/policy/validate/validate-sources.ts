// `gic validate`: parses files and validates every Istio security resource in them, returning exactly
// the `gic validate -o json` shape of docs/cli.md. Unreadable YAML (and documents that are not
// mappings) become findings in one entry per file, with the line; other kinds are skipped.
import { parseDocuments } from '../parse/parse-documents.js';
import { PARSE_RULES } from '../parse/parse-limits.js';
import { validateDocument } from './validate-document.js';
import type { ValidatedResource, ValidateReport, ValidationIssue } from './validate-report.js';

export interface ValidateSource {
  readonly file: string;
  readonly text: string;
}

export function validateSources(sources: readonly ValidateSource[]): ValidateReport {
  const resources: ValidatedResource[] = [];
  for (const { file, text } of sources) {
    const parsed = parseDocuments(text, file);
    const fileErrors: ValidationIssue[] = [];
    const fileWarnings: ValidationIssue[] = [];
    for (const finding of parsed.findings) {
      const issue: ValidationIssue = { rule: finding.rule, field: '', line: finding.line, message: finding.message };
      (finding.level === 'warning' ? fileWarnings : fileErrors).push(issue);
    }
    const entries: ValidatedResource[] = [];
    for (const doc of parsed.documents) {
      const value = doc.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        fileErrors.push({
          rule: PARSE_RULES.notObject,
          field: '',
          line: doc.source.line,
          message: `the document is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping: a Kubernetes resource starts with "apiVersion:", "kind:" and "metadata:" lines; separate documents with "---".`,
        });
        continue;
      }
      const entry = validateDocument(doc);
      if (entry !== undefined) entries.push(entry);
    }
    if (fileErrors.length > 0 || fileWarnings.length > 0) {
      const first = Math.min(...[...fileErrors, ...fileWarnings].map((i) => i.line));
      resources.push({ source: `${file}:${first}`, apiVersion: '', kind: '', namespace: '', name: '', errors: sortByLine(fileErrors), warnings: sortByLine(fileWarnings) });
    }
    resources.push(...entries);
  }
  let errors = 0;
  let warnings = 0;
  for (const r of resources) {
    errors += r.errors.length;
    warnings += r.warnings.length;
  }
  return { resources, summary: { resources: resources.length, errors, warnings } };
}

function sortByLine(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort((a, b) => a.line - b.line);
}
