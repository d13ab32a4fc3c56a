// SARIF 2.1.0 for `gic analyze -o sarif` (code-scanning views): one run whose driver lists every code of
// the analyzer catalog as a rule, described in words (title and condition from the catalog, never a
// message template) with a helpUri at the code's anchor in docs/analyzers.md, and one result per finding
// with its file and line, the resource as a logical location, and fix / witness / refs as properties;
// a mechanical fix (a finding's `edit`) as a SARIF `fixes` entry with the exact, proven replacement.
import type { ReviewFix } from '../../copilot/review-fixes.js';
import type { AnalyzeReport, ReportedFinding } from '../../policy/analyze/analyze-report.js';
import { type Code, docsOf, MESSAGES } from '../../policy/analyze/messages.js';

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** Where the project lives: documentation links point into its default branch. */
export const PROJECT_URL = 'https://github.com/gic/gic';

/** The documentation of a code, as an absolute URL (SARIF helpUri). */
export function helpUri(code: Code): string {
  return `${PROJECT_URL}/blob/main/${docsOf(code)}`;
}

/** `HttpFieldsOnTcpPort` -> `Http fields on TCP port`. */
function words(title: string): string {
  const spaced = title.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return spaced
    .split(' ')
    .map((w, i) => (/^(Http|Tcp|Jwt|Jwks|Mtls)$/.test(w) ? w.toUpperCase().replace('MTLS', 'mTLS') : i === 0 ? w : w.toLowerCase()))
    .join(' ');
}

/** A proven fix as a SARIF fix: 1-based columns, the end column the one after the region. */
function sarifFix(fix: ReviewFix): unknown {
  return {
    description: { text: fix.description },
    artifactChanges: fix.replacements.map((r) => ({
      artifactLocation: { uri: r.path.split('\\').join('/') },
      replacements: [{ deletedRegion: { startLine: r.range.start_line, startColumn: r.range.start_character + 1, endLine: r.range.end_line, endColumn: r.range.end_character + 1 }, insertedContent: { text: r.replacement } }],
    })),
  };
}

/**
 * `fixOf` gives the proven fix of a finding that carries an `edit` (undefined: none); without it no
 * `fixes` are written.
 */
export function renderSarif(report: AnalyzeReport, version: string, fixOf: (f: ReportedFinding) => ReviewFix | undefined = () => undefined): unknown {
  const codes = Object.keys(MESSAGES) as Code[];
  const extra = [...new Set(report.findings.map((f) => f.code).filter((c) => !(c in MESSAGES)))].sort();
  const rules = [
    ...codes.map((code) => {
      const entry = MESSAGES[code];
      return {
        id: code,
        name: entry.title,
        shortDescription: { text: words(entry.title) },
        fullDescription: { text: entry.description },
        help: { text: `${entry.description} See ${helpUri(code)}`, markdown: `${entry.description}\n\n[${code} in docs/analyzers.md](${helpUri(code)})` },
        defaultConfiguration: { level: SARIF_LEVEL[entry.level] },
        helpUri: helpUri(code),
        properties: { refs: [...entry.refs] },
      };
    }),
    ...extra.map((id) => ({ id, name: id, shortDescription: { text: `Input problem ${id}` }, fullDescription: { text: `gic could not read part of the input (${id}): the analysis ran without it.` }, defaultConfiguration: { level: 'error' } })),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gic', version, informationUri: PROJECT_URL, rules } },
        results: report.findings.map((f) => {
          const file = f.source.slice(0, f.source.lastIndexOf(':'));
          const fix = f.edit === undefined ? undefined : fixOf(f);
          return {
            ruleId: f.code,
            ruleIndex: ruleIndex.get(f.code) ?? -1,
            level: SARIF_LEVEL[f.level],
            message: { text: f.fix === undefined ? f.message : `${f.message}. Fix: ${f.fix}` },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: file.split('\\').join('/') }, region: { startLine: Math.max(1, f.line) } },
                ...(f.resource === null ? {} : { logicalLocations: [{ fullyQualifiedName: `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}${f.field === '' ? '' : `/${f.field}`}`, kind: 'resource' }] }),
              },
            ],
            ...(fix === undefined ? {} : { fixes: [sarifFix(fix)] }),
            properties: { field: f.field, refs: f.refs, ...(f.fix === undefined ? {} : { fix: f.fix }), ...(f.witness === undefined ? {} : { witness: f.witness }) },
          };
        }),
      },
    ],
  };
}
