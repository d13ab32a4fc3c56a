// istiod's webhook rules for PeerAuthentication (ValidatePeerAuthentication), plus the decoding failure
// istiod reports for a portLevelMtls key that is not a plain uint32 JSON number (jsonpb), on the raw spec.
import type { FindingCollector } from './finding-collector.js';
import { checkWorkloadSelector } from './check-selector.js';
import { goParseUint } from './go/strconv.js';
import { objectAt, type RawObject } from './raw-value.js';

/** A JSON number literal without sign, fraction or leading zero: what jsonpb accepts as a uint32 map key. */
const JSON_UINT = /^(0|[1-9][0-9]*)$/;

export function checkPeerAuthentication(spec: RawObject, out: FindingCollector): void {
  const labels = objectAt(objectAt(spec, 'selector'), 'matchLabels');
  const labelCount = labels === undefined ? 0 : Object.keys(labels).filter((k) => labels[k] !== null).length;
  const ports = objectAt(spec, 'portLevelMtls');
  const keys = ports === undefined ? [] : Object.keys(ports).filter((k) => ports[k] !== null);
  if (labelCount === 0 && keys.length > 0) {
    out.add(
      'peerauth.port-level-mtls.requires-selector',
      ['spec', 'portLevelMtls'],
      'mesh/namespace peer authentication cannot have port level mTLS: add selector.matchLabels for the workload whose ports you configure, or set spec.mtls.mode for the whole namespace.',
    );
  }
  if (ports !== undefined && keys.length === 0) {
    out.add('peerauth.port-level-mtls.empty', ['spec', 'portLevelMtls'], 'port level mTLS, if defined, must have at least one element: add "<port>: {mode: ...}" entries or remove portLevelMtls.');
  }
  for (const key of keys) {
    const n = JSON_UINT.test(key) ? goParseUint(key, 32) : undefined;
    if (n === undefined || 'error' in n) {
      out.markUndecodable();
      out.add('peerauth.port-level-mtls.port-range', ['spec', 'portLevelMtls', key], `port ${JSON.stringify(key)} is not a port number: write the workload port as a plain decimal number, e.g. 8080.`);
    } else if (n.value <= 0n || n.value > 65535n) {
      out.add('peerauth.port-level-mtls.port-range', ['spec', 'portLevelMtls', key], `port must be in range 1..65535, got ${key}: use the workload (container) port number.`);
    }
  }
  checkWorkloadSelector(spec, out);
}
