// Extending an existing AuthorizationPolicy the way a person would edit its file: the document is read
// with its comments and styles (the yaml library's Document keeps them), the new rules are appended to
// `spec.rules`, and the document is written back, so the reviewer's diff shows only the added rules.
// Undefined when the policy cannot be found as a plain document of its file (then the caller renders
// the policy anew). Pure.
import { isMap, isSeq, parseAllDocuments } from 'yaml';

import type { Rule } from '../resources/authorization-policy.js';

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
}

export function extendPolicyText(fileText: string, policy: PolicyRef, addedRules: readonly Rule[]): string | undefined {
  let documents;
  try {
    documents = parseAllDocuments(fileText, { keepSourceTokens: false });
  } catch {
    return undefined;
  }
  if (!Array.isArray(documents)) return undefined;
  for (const doc of documents) {
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    if (doc.get('kind') !== 'AuthorizationPolicy' || doc.getIn(['metadata', 'name']) !== policy.name) continue;
    const namespace = doc.getIn(['metadata', 'namespace']);
    if ((typeof namespace === 'string' && namespace !== '' ? namespace : 'default') !== policy.namespace) continue;
    const rules = doc.getIn(['spec', 'rules']);
    if (rules !== undefined && !isSeq(rules)) return undefined;
    if (isSeq(rules)) for (const rule of addedRules) rules.add(doc.createNode(rule));
    else doc.setIn(['spec', 'rules'], doc.createNode(addedRules));
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  }
  return undefined;
}
