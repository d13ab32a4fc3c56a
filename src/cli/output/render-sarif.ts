// SARIF 2.1.0 for `gic analyze -o sarif` (code-scanning views): one run whose driver lists every code of
// the analyzer catalog as a rule, and one result per finding with its file and line, the resource as a
// logical location, and fix / witness / refs as properties.
import type { AnalyzeReport } from '../../policy/analyze/analyze-report.js';
import { type Code, docsOf, MESSAGES } from '../../policy/analyze/messages.js';

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function renderSarif(report: AnalyzeReport, version: string): unknown {
  const codes = Object.keys(MESSAGES) as Code[];
  const extra = [...new Set(report.findings.map((f) => f.code).filter((c) => !(c in MESSAGES)))].sort();
  const rules = [
    ...codes.map((code) => ({
      id: code,
      name: MESSAGES[code].title,
      shortDescription: { text: MESSAGES[code].title.replace(/([a-z])([A-Z])/g, '$1 $2') },
      fullDescription: { text: MESSAGES[code].template },
      defaultConfiguration: { level: SARIF_LEVEL[MESSAGES[code].level] },
      helpUri: `https://github.com/gic/gic/blob/main/${docsOf(code)}`,
      properties: { refs: [...MESSAGES[code].refs] },
    })),
    ...extra.map((id) => ({ id, name: id, shortDescription: { text: `input problem ${id}` }, defaultConfiguration: { level: 'error' } })),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gic', version, informationUri: 'https://github.com/gic/gic', rules } },
        results: report.findings.map((f) => {
          const file = f.source.slice(0, f.source.lastIndexOf(':'));
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
            properties: { field: f.field, refs: f.refs, ...(f.fix === undefined ? {} : { fix: f.fix }), ...(f.witness === undefined ? {} : { witness: f.witness }) },
          };
        }),
      },
    ],
  };
}
