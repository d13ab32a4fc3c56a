// "Ask" mode: can this caller reach that workload? The engine's decision with the deciding policies, the
// explanation and the evaluation trace (POST /api/ask). A person is a token with their groups, sent
// through the mesh's ingress gateway when there is one.
import { ApiError, postJson } from './api.js';
import { byId, clear, el, items } from './dom.js';

/** @param {HTMLSelectElement} select @param {string[]} values @param {string} [empty] */
function fill(select, values, empty) {
  clear(select);
  if (empty !== undefined) select.append(el('option', { text: empty, attrs: { value: '' } }));
  for (const v of values) select.append(el('option', { text: v, attrs: { value: v } }));
}

/** @param {any} options GET /api/options */
export function initAskPanel(options) {
  byId('ask').hidden = false;
  const names = options.workloads.map((/** @type {any} */ w) => `${w.namespace}/${w.name}`);
  const portsOf = new Map(options.workloads.map((/** @type {any} */ w) => [`${w.namespace}/${w.name}`, w.ports]));
  const from = /** @type {HTMLSelectElement} */ (byId('ask-from'));
  const to = /** @type {HTMLSelectElement} */ (byId('ask-to'));
  const port = /** @type {HTMLInputElement} */ (byId('ask-port'));
  fill(from, names, '(a person, through the ingress gateway)');
  fill(to, names);
  fill(/** @type {HTMLSelectElement} */ (byId('ask-issuer')), options.issuers, '(no token)');
  const setPort = () => {
    const ports = portsOf.get(to.value);
    if (Array.isArray(ports) && ports.length > 0) port.value = String(ports[0]);
  };
  to.addEventListener('change', setPort);
  setPort();
  const ingress = names.find((/** @type {string} */ n) => /ingress/.test(n));
  byId('ask-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void ask(ingress);
  });
  fill(/** @type {HTMLSelectElement} */ (byId('explain-policy')), options.policies);
  byId('explain-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void explainPolicy(/** @type {HTMLSelectElement} */ (byId('explain-policy')).value);
  });
}

/** @param {string} policy namespace/name */
async function explainPolicy(policy) {
  const out = byId('ask-result');
  clear(out);
  out.append(el('p', { text: 'Asking the engine…' }));
  try {
    const result = await postJson('/api/ask', { policy });
    clear(out);
    out.append(el('h3', { text: `Policy ${policy}` }), el('p', { class: 'explanation', text: result.text }));
    if (result.findings.length > 0) {
      out.append(el('h3', { text: 'Findings' }), el('ul', {}, result.findings.map((/** @type {any} */ f) => el('li', { text: `${f.code} (${f.level}) ${f.source}: ${f.message}` }))));
    }
  } catch (error) {
    clear(out);
    out.append(el('p', { class: 'notice', text: `Could not explain: ${error instanceof ApiError ? error.message : String(error)}` }));
  }
}

/** @param {string | undefined} ingress */
async function ask(ingress) {
  const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id)).value.trim();
  const [toNs, toName] = value('ask-to').split('/');
  /** @type {any} */
  const request = { to: { namespace: toNs, workload: toName, port: Number(value('ask-port')) } };
  const source = value('ask-from') !== '' ? value('ask-from') : ingress;
  if (source !== undefined) {
    const [ns, name] = source.split('/');
    request.from = { namespace: ns, workload: name };
  } else request.from = { plaintext: true };
  if (value('ask-method') !== '') request.method = value('ask-method').toUpperCase();
  if (value('ask-path') !== '') request.path = value('ask-path');
  const groups = items(value('ask-groups'));
  if (value('ask-issuer') !== '') request.jwt = { iss: value('ask-issuer'), sub: 'gic-chat', claims: { groups } };
  const out = byId('ask-result');
  clear(out);
  out.append(el('p', { text: 'Asking the engine…' }));
  try {
    const result = await postJson('/api/ask', { request });
    clear(out);
    const decision = result.decision ?? {};
    out.append(el('p', { class: `verdict ${decision.decision === 'ALLOW' ? 'ok' : 'bad'}`, text: `Decision: ${decision.decision ?? 'unknown'} (${decision.protocol ?? '?'})` }));
    out.append(el('p', { class: 'explanation', text: result.text }));
    if (result.inputErrors.length > 0) out.append(el('p', { class: 'notice', text: `The mesh has ${result.inputErrors.length} input error(s): this answer may not be what the cluster does.` }));
    const trace = el('ol', { class: 'trace', attrs: { 'aria-label': 'Evaluation trace' } });
    for (const step of decision.trace ?? []) trace.append(el('li', { text: step }));
    out.append(el('h3', { text: 'Trace' }), trace);
  } catch (error) {
    clear(out);
    out.append(el('p', { class: 'notice', text: `Could not check: ${error instanceof ApiError ? error.message : String(error)}` }));
  }
}
