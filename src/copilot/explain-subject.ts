// What an explanation is about: a request, a policy or a workload (shared by explain-access and its
// template text).
import type { AccessRequest } from '../policy/evaluate/access-request.js';

export type ExplainSubject =
  | { readonly kind: 'request'; readonly request: AccessRequest }
  | { readonly kind: 'policy'; readonly policy: string }
  | { readonly kind: 'workload'; readonly workload: string };
