// The YAML flavour Kubernetes clients read: YAML 1.2 core schema for structure and strings, with
// scalars resolved as kubectl's and istioctl's decoder does (sigs.k8s.io/yaml over go.yaml.in/yaml/v2,
// resolve.go; go-yaml-scalars.ts): the YAML 1.1 booleans (`y`, `yes`, `on`, `n`, `no`, `off` in their
// three casings), and integers and floats by Go's strconv (`0777` octal, `0b101`, `1_000`, `+0x1F`,
// `08` a float). Merge keys are on. Parsing and printing share these options, so a printed string that
// kubectl would read as a number or a boolean (`"yes"`, `"0777"`, `"1_000"`) stays quoted.
import type { ScalarTag, Tags } from 'yaml';

import { resolveGoYamlPlain } from './go-yaml-scalars.js';

const YAML11_TRUE: ReadonlySet<string> = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);

/** Plain scalars YAML 1.1 reads as booleans and YAML 1.2 core does not. */
export const yaml11BoolTag: ScalarTag = {
  identify: (value) => typeof value === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)$/,
  resolve: (source) => YAML11_TRUE.has(source),
};

/** A `test` the yaml library calls like a RegExp: true when go-yaml v2 resolves the text to `kind`. */
const goYamlTest = (kind: 'int' | 'float'): RegExp => ({ test: (source: string) => resolveGoYamlPlain(source).kind === kind }) as unknown as RegExp;

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

/**
 * The core schema's tags with its number tags replaced by go-yaml v2's rules (the decimal int and the
 * plain float tag keep their stringify; the octal, hex, exponent and NaN/Inf variants go).
 */
function kubeTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t === 'string') {
      out.push(t);
      continue;
    }
    if (t.tag === INT) {
      if ((t as ScalarTag).format === undefined) out.push({ ...(t as ScalarTag), test: goYamlTest('int'), resolve: (source: string) => resolveGoYamlPlain(source).value });
      continue;
    }
    if (t.tag === FLOAT) {
      if ((t as ScalarTag).format === undefined && (t as ScalarTag).test?.test('1.5') === true) out.push({ ...(t as ScalarTag), test: goYamlTest('float'), resolve: (source: string) => resolveGoYamlPlain(source).value });
      continue;
    }
    out.push(t);
  }
  out.push(yaml11BoolTag);
  return out;
}

/** Schema options for parsing (by default) and stringifying Kubernetes YAML. */
export const KUBE_YAML_SCHEMA: { readonly schema: 'core'; readonly merge: true; readonly customTags: (tags: Tags) => Tags } = {
  schema: 'core',
  merge: true,
  customTags: kubeTags,
};

/** Plain YAML 1.2 core schema (what the yaml library reads by default), for callers that opt out. */
export const YAML12_SCHEMA: { readonly schema: 'core'; readonly merge: true } = { schema: 'core', merge: true };
