// The YAML flavour Kubernetes clients read: YAML 1.2 core schema plus the YAML 1.1 booleans
// (`y`, `yes`, `on`, `n`, `no`, `off` in their three casings) that kubectl's and istioctl's decoder
// (sigs.k8s.io/yaml over go.yaml.in/yaml/v2, resolve.go) turns into true/false, and merge keys.
// Parsing and printing share these options so a printed string "yes" stays a string.
import type { ScalarTag } from 'yaml';

const YAML11_TRUE: ReadonlySet<string> = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);

/** Plain scalars YAML 1.1 reads as booleans and YAML 1.2 core does not. */
export const yaml11BoolTag: ScalarTag = {
  identify: (value) => typeof value === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)$/,
  resolve: (source) => YAML11_TRUE.has(source),
};

/** Schema options for parsing (by default) and stringifying Kubernetes YAML. */
export const KUBE_YAML_SCHEMA: { readonly schema: 'core'; readonly merge: true; readonly customTags: ScalarTag[] } = {
  schema: 'core',
  merge: true,
  customTags: [yaml11BoolTag],
};

/** Plain YAML 1.2 core schema (what the yaml library reads by default), for callers that opt out. */
export const YAML12_SCHEMA: { readonly schema: 'core'; readonly merge: true } = { schema: 'core', merge: true };
