// What an analyzer reads (its declared inputs): run-analyzers skips an analyzer when one of its inputs
// is absent from the snapshot. A leaf module: the snapshot says which inputs it holds and the analyzer
// contract says which it needs, without either importing the other.

export type InputKind =
  | 'AuthorizationPolicy'
  | 'PeerAuthentication'
  | 'RequestAuthentication'
  | 'Workload'
  | 'Service'
  | 'ServiceAccount'
  | 'Namespace'
  | 'MeshConfig'
  | 'Validation'
  | 'IstiodDeployment'
  | 'GerritGroups';
