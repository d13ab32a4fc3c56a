// Small guards for optional dependencies: a use case that needs the mesh, the model or Gerrit and was
// built without it fails with AppError `not-configured` naming the setting, never with a crash.
import { AppError } from '../errors.js';
import type { ChatModel } from '../model/chat-model.js';
import type { ChangeWriter, CopilotDeps, MeshView, PolicyRepo } from './deps.js';

export function requireMesh(deps: CopilotDeps): MeshView {
  if (deps.mesh === undefined) throw new AppError('not-configured', 'no mesh: give --mesh PATH or configure a cluster');
  return deps.mesh;
}

export function requireModel(deps: CopilotDeps): ChatModel {
  if (deps.model === undefined) throw new AppError('model-not-configured', 'no model configured: give --model-url and --model (or GIC_MODEL_URL, GIC_MODEL); drafting from free text needs one');
  return deps.model;
}

export function requireGerrit(deps: CopilotDeps): { gerrit: ChangeWriter; repo: PolicyRepo } {
  if (deps.gerrit === undefined) throw new AppError('not-configured', 'no Gerrit configured for submitting: give --gerrit-url with --gerrit-user and a password (or GIC_GERRIT_*)');
  if (deps.settings.policyRepo === undefined) throw new AppError('not-configured', 'no policy repository configured: give --policy-project (or GIC_POLICY_PROJECT), and --policy-branch / --policy-path if they differ from master / policies');
  return { gerrit: deps.gerrit, repo: deps.settings.policyRepo };
}
