// The Kubernetes types of the fields gic reads from the objects it recognises (metadata, pod templates,
// Services, the `istio` ConfigMap, Gateways), checked as the API server's JSON decoding checks them:
// a boolean or number where a string is expected (`name: y`, `serviceAccountName: no`, `version: 1`
// in labels, all read as YAML 1.1 booleans or numbers by kubectl), a string where an integer is
// expected, a scalar where a list or a mapping is expected. kubectl refuses such an object, so a mesh
// that holds one is not a mesh a cluster could hold (docs/input-errors.md). `null` is accepted (JSON
// decoding reads it as the zero value). Only the fields gic reads are checked. Pure.
import { formatFieldPath, type PathSegment } from './field-path.js';

type FieldType = 'string' | 'integer' | 'boolean' | 'int-or-string' | { readonly mapOf: 'string' } | { readonly fields: Fields } | { readonly listOf: FieldType };
type Fields = Readonly<Record<string, FieldType>>;

export interface FieldTypeProblem {
  readonly field: string;
  readonly message: string;
}

const STRING_MAP: FieldType = { mapOf: 'string' };
const METADATA: FieldType = { fields: { name: 'string', namespace: 'string', generateName: 'string', labels: STRING_MAP, annotations: STRING_MAP } };
const HANDLER: FieldType = { fields: { port: 'int-or-string' } };
const PROBE: FieldType = { fields: { httpGet: HANDLER, tcpSocket: HANDLER, grpc: { fields: { port: 'integer' } } } };
const CONTAINER: FieldType = {
  fields: {
    name: 'string',
    restartPolicy: 'string',
    ports: { listOf: { fields: { containerPort: 'integer', name: 'string', protocol: 'string' } } },
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
  },
};
const POD_SPEC: FieldType = {
  fields: { serviceAccountName: 'string', serviceAccount: 'string', hostNetwork: 'boolean', containers: { listOf: CONTAINER }, initContainers: { listOf: CONTAINER } },
};
const POD_TEMPLATE: FieldType = { fields: { metadata: METADATA, spec: POD_SPEC } };

const BY_KIND: Readonly<Record<string, Fields>> = {
  Pod: { metadata: METADATA, spec: POD_SPEC },
  Deployment: { metadata: METADATA, spec: { fields: { template: POD_TEMPLATE } } },
  StatefulSet: { metadata: METADATA, spec: { fields: { template: POD_TEMPLATE } } },
  DaemonSet: { metadata: METADATA, spec: { fields: { template: POD_TEMPLATE } } },
  ReplicaSet: { metadata: METADATA, spec: { fields: { template: POD_TEMPLATE } } },
  Job: { metadata: METADATA, spec: { fields: { template: POD_TEMPLATE } } },
  CronJob: { metadata: METADATA, spec: { fields: { jobTemplate: { fields: { spec: { fields: { template: POD_TEMPLATE } } } } } } },
  Service: {
    metadata: METADATA,
    spec: {
      fields: {
        selector: STRING_MAP,
        ports: { listOf: { fields: { port: 'integer', targetPort: 'int-or-string', name: 'string', protocol: 'string', appProtocol: 'string' } } },
      },
    },
  },
  ConfigMap: { metadata: METADATA, data: STRING_MAP },
  Gateway: { metadata: METADATA, spec: { fields: { gatewayClassName: 'string' } } },
};

/** Fields of `kind` whose values the API server would refuse to decode; metadata only for kinds without a table. */
export function fieldTypeProblems(kind: string, value: unknown): FieldTypeProblem[] {
  const problems: FieldTypeProblem[] = [];
  check({ fields: BY_KIND[kind] ?? { metadata: METADATA } }, value, [], problems);
  return problems;
}

/** Most problems reported per object: one broken object must not flood the output. */
const MAX_PROBLEMS = 20;

function check(type: FieldType, value: unknown, path: PathSegment[], out: FieldTypeProblem[]): void {
  if (value === null || value === undefined || out.length >= MAX_PROBLEMS) return;
  if (type === 'string') {
    if (typeof value !== 'string') out.push(problem(path, 'a string', value));
  } else if (type === 'integer') {
    if (typeof value !== 'number' || !Number.isInteger(value)) out.push(problem(path, 'an integer', value));
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') out.push(problem(path, 'a boolean (true or false)', value));
  } else if (type === 'int-or-string') {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) out.push(problem(path, 'an integer or a string', value));
  } else if ('mapOf' in type) {
    if (!isMapping(value)) {
      out.push(problem(path, 'a mapping', value));
      return;
    }
    for (const key of Object.keys(value)) check(type.mapOf, value[key], [...path, key], out);
  } else if ('listOf' in type) {
    if (!Array.isArray(value)) {
      out.push(problem(path, 'a list', value));
      return;
    }
    value.forEach((item, i) => check(type.listOf, item, [...path, i], out));
  } else {
    if (!isMapping(value)) {
      out.push(problem(path, 'a mapping', value));
      return;
    }
    for (const key of Object.keys(type.fields)) if (Object.hasOwn(value, key)) check(type.fields[key]!, value[key], [...path, key], out);
  }
}

function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(path: readonly PathSegment[], expected: string, value: unknown): FieldTypeProblem {
  const field = formatFieldPath(path);
  return { field, message: `${field}: expected ${expected}, got ${describeValue(value)}${hint(expected, value)}` };
}

function describeValue(value: unknown): string {
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function hint(expected: string, value: unknown): string {
  if (expected !== 'a string' && expected !== 'an integer or a string') return '';
  if (typeof value === 'boolean') {
    return ' (kubectl reads the unquoted y, yes, on, true, n, no, off and false as booleans, and the API server rejects a boolean here): quote the value';
  }
  if (typeof value === 'number') return ` (the API server rejects a number here): quote the value, "${value}"`;
  return '';
}
