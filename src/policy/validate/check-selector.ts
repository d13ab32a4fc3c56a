// istiod's shared webhook rules for `selector`, `targetRef` and `targetRefs` (validateOneOfSelectorType,
// validateWorkloadSelector, validatePolicyTargetReference in pkg/config/validation/validation.go),
// applied to the raw spec with Go's decoding semantics: an empty list decodes as unset, `{}` as set.
import type { FindingCollector, Path } from './finding-collector.js';
import { arrayAt, has, isObject, lengthAt, objectAt, type RawObject, stringAt } from './raw-value.js';

/** Group/kind pairs istiod accepts as targets (group "" is core). */
const ALLOWED_TARGETS = new Set(['core/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass']);

/** W1: at most one of selector, targetRef, targetRefs (an empty targetRefs list counts as unset). */
export function checkOneOfSelectorType(spec: RawObject, out: FindingCollector): void {
  const set: string[] = [];
  if (isObject(spec['selector'])) set.push('selector');
  if (isObject(spec['targetRef'])) set.push('targetRef');
  if (lengthAt(spec, 'targetRefs') > 0) set.push('targetRefs');
  if (set.length > 1) {
    out.add('selector.xor-target-ref', ['spec'], `only one of targetRefs or workloadSelector can be set (found ${set.join(', ')}): use selector for sidecars and gateways selected by label, or targetRefs for waypoints and Gateway-API gateways, not both.`);
  }
}

/** W2-W4 on selector.matchLabels. */
export function checkWorkloadSelector(spec: RawObject, out: FindingCollector): void {
  const selector = objectAt(spec, 'selector');
  if (selector === undefined) return;
  const labels = objectAt(selector, 'matchLabels');
  let count = 0;
  if (labels !== undefined) {
    for (const key in labels) {
      const raw = labels[key];
      if (raw === null) continue;
      count++;
      const value = typeof raw === 'string' ? raw : '';
      const at: Path = ['spec', 'selector', 'matchLabels', key];
      if (key === '') out.add('selector.empty-key', ['spec', 'selector', 'matchLabels'], `empty key is not supported in selector: "=${value}"; remove it or give the label its key.`);
      if (key.includes('*') || value.includes('*')) {
        out.add('selector.wildcard', at, `wildcard is not supported in selector: "${key}=${value}"; list exact label values (a selector cannot match label patterns).`);
      }
    }
  }
  if (count === 0) {
    out.add('selector.no-labels', ['spec', 'selector'], 'workload selector specified without labels: it selects every workload in scope; remove the selector to say so explicitly, or add matchLabels.');
  }
}

function checkTargetRef(ref: unknown, at: Path, out: FindingCollector): void {
  if (!isObject(ref)) return;
  const name = stringAt(ref, 'name') ?? '';
  const namespace = stringAt(ref, 'namespace') ?? '';
  const group = stringAt(ref, 'group') ?? '';
  const kind = stringAt(ref, 'kind') ?? '';
  if (name === '') out.add('target-ref.name-required', [...at, 'name'], 'targetRef name must be set: name the Gateway, GatewayClass, Service or ServiceEntry to attach to.');
  if (namespace !== '') out.add('target-ref.namespace', [...at, 'namespace'], 'targetRef namespace must not be set; cross namespace referencing is not supported: create the policy in the target\'s namespace.');
  if (!ALLOWED_TARGETS.has(`${group === '' ? 'core' : group}/${kind}`)) {
    out.add(
      'target-ref.unsupported-kind',
      at,
      `targetRef must be to one of Service (group ""), ServiceEntry (group networking.istio.io), Gateway or GatewayClass (group gateway.networking.k8s.io) but was ${group}/${kind}; fix group and kind (kinds are case-sensitive).`,
    );
  }
}

/** W5-W7 on targetRef and every targetRefs entry. */
export function checkTargetRefs(spec: RawObject, out: FindingCollector): void {
  if (has(spec, 'targetRef')) checkTargetRef(spec['targetRef'], ['spec', 'targetRef'], out);
  arrayAt(spec, 'targetRefs')?.forEach((ref, i) => checkTargetRef(ref, ['spec', 'targetRefs', i], out));
}
