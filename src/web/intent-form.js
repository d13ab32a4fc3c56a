// The intent form: propose without a model. Subjects (Gerrit groups, service accounts), the target
// workload, operations and an optional expiry become the structured intent of POST /api/proposals; the
// engine verifies it and the proposal panel shows the result.
import { ApiError, postJson } from './api.js';
import { byId, clear, el, items } from './dom.js';
import { currentConversation } from './chat-panel.js';
import { showProposal } from './proposal-panel.js';

/** @param {any} options GET /api/options */
export function initIntentForm(options) {
  byId('intent').hidden = false;
  const target = /** @type {HTMLSelectElement} */ (byId('intent-target'));
  clear(target);
  for (const w of options.workloads) target.append(el('option', { text: `${w.namespace}/${w.name}`, attrs: { value: `${w.namespace}/${w.name}` } }));
  const list = byId('group-names');
  for (const g of options.groups) list.append(el('option', { attrs: { value: g } }));
  byId('intent-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void propose();
  });
}

async function propose() {
  const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id)).value.trim();
  const status = byId('intent-status');
  const subjects = [...items(value('intent-groups')).map((g) => ({ gerritGroup: g })), ...items(value('intent-accounts')).map((s) => ({ serviceAccount: s }))];
  if (subjects.length === 0) {
    status.textContent = 'Name at least one Gerrit group or service account.';
    return;
  }
  const [namespace, workload] = value('intent-target').split('/');
  /** @type {any} */
  const operation = {};
  const methods = items(value('intent-methods')).map((m) => m.toUpperCase());
  const paths = items(value('intent-paths'));
  const ports = items(value('intent-ports'));
  if (methods.length > 0) operation.methods = methods;
  if (paths.length > 0) operation.paths = paths;
  if (ports.length > 0) operation.ports = ports;
  /** @type {any} */
  const intent = { action: value('intent-action'), subjects, target: { namespace, workload } };
  if (Object.keys(operation).length > 0) intent.operations = [operation];
  if (value('intent-expires') !== '') intent.expires = `${value('intent-expires').slice(0, 16)}:00Z`;
  status.textContent = 'Verifying…';
  try {
    const conversation = currentConversation();
    const result = await postJson('/api/proposals', conversation !== undefined ? { intent, conversation } : { intent });
    status.textContent = `Proposal ${result.proposal.id}: ${result.proposal.verified ? 'verified' : 'not verified'}.`;
    showProposal(result.proposal);
  } catch (error) {
    status.textContent = `Could not propose: ${error instanceof ApiError ? error.message : String(error)}`;
  }
}
