// The flags of the copilot commands (`gic explain`, `propose`, `draft`, `submit`): the settings they
// read (docs/cli.md), apart from copilot-context.ts so that `gic --help` does not load the copilot.
import type { OptionSpecs } from './command.js';
import { STORE_OPTIONS } from './open-store.js';

/** The flags every copilot command takes (settings; `--mesh` where the command reads a mesh). */
export const COPILOT_OPTIONS: OptionSpecs = {
  ...STORE_OPTIONS,
  'gerrit-url': { type: 'string', valueName: 'URL', description: 'Gerrit base URL (env GIC_GERRIT_URL)' },
  'gerrit-user': { type: 'string', valueName: 'USER', description: 'Gerrit user for basic auth (env GIC_GERRIT_USER)' },
  'gerrit-password-file': { type: 'string', valueName: 'FILE', description: 'file holding the Gerrit HTTP password or token (env GIC_GERRIT_PASSWORD)' },
  'gerrit-snapshot': { type: 'string', valueName: 'PATH', description: 'Gerrit snapshot used for groups when no Gerrit URL is set (env GIC_GERRIT_SNAPSHOT)' },
  kubeconfig: { type: 'string', valueName: 'FILE', description: 'kubeconfig of the cluster: its mesh (without --mesh) and its server-side dry-run (env KUBECONFIG)' },
  context: { type: 'string', valueName: 'NAME', description: 'kubeconfig context to use' },
  'groups-claim': { type: 'string', valueName: 'NAME', description: 'JWT claim holding Gerrit groups (env GIC_GROUPS_CLAIM, default groups)' },
  'groups-claim-values': { type: 'string', valueName: 'name|uuid', description: 'what the groups claim holds (env GIC_GROUPS_CLAIM_VALUES)' },
  'otlp-endpoint': { type: 'string', valueName: 'URL', description: 'send traces to this OTLP/HTTP collector (env OTEL_EXPORTER_OTLP_ENDPOINT; off unless set)' },
};

export const MESH_OPTION: OptionSpecs = {
  mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively); default: the configured cluster' },
};

export const POLICY_REPO_OPTIONS: OptionSpecs = {
  'policy-project': { type: 'string', valueName: 'PROJECT', description: 'Gerrit project of the policy repository (env GIC_POLICY_PROJECT)' },
  'policy-branch': { type: 'string', valueName: 'BRANCH', description: 'branch of the policy repository (env GIC_POLICY_BRANCH, default master)' },
  'policy-path': { type: 'string', valueName: 'DIR', description: 'directory of the policy files in the repository (env GIC_POLICY_PATH, default policies)' },
};

/** The review bot's settings (`gic review`, `gic serve`); the webhook secret comes only from GIC_REVIEW_WEBHOOK_SECRET. */
export const REVIEW_OPTIONS: OptionSpecs = {
  'review-label': { type: 'string', valueName: 'LABEL', description: 'label the review bot votes on (env GIC_REVIEW_LABEL, default Policy-Check)' },
  'review-base': { type: 'string', valueName: 'mesh|repository', description: "what a patch set is diffed against: mesh (the configured mesh, default) or repository (the target branch's policy files through Gerrit) (env GIC_REVIEW_BASE)" },
  'review-fix-suggestions': { type: 'string', valueName: 'auto|robot-comments|comments|text', description: 'how mechanical fixes are posted: auto (robot comments where the server takes them, else fix_suggestions on comments), robot-comments, comments, text (env GIC_REVIEW_FIX_SUGGESTIONS)' },
  'review-fail-on': { type: 'string', valueName: 'error|warning|info', description: 'lowest level of a finding the patch set introduces that votes -1 (env GIC_REVIEW_FAIL_ON, default error)' },
  'review-max-comments': { type: 'string', valueName: 'N', description: 'inline comments per review at most (env GIC_REVIEW_MAX_COMMENTS, default 50)' },
};

export const INPUT_ERRORS_OPTION: OptionSpecs = {
  'allow-input-errors': { type: 'boolean', description: 'exit 0 even when the mesh has input errors (they are still reported in inputErrors)' },
};

