// The proposal panel: verdict, expiry, blockers, the access delta as a table (who gains, who loses,
// with each row's witness request), findings, the YAML with line numbers, and "Submit for review",
// which opens the Gerrit change and links to it. Everything is set as text.
import { ApiError, postJson } from './api.js';
import { byId, clear, el } from './dom.js';

/** @type {string | undefined} */
let current;
let canSubmit = false;

/** @param {boolean} allowed */
export function initProposalPanel(allowed) {
  canSubmit = allowed;
  byId('submit-proposal').addEventListener('click', () => void submit());
}

/** @param {any} witness */
function witnessText(witness) {
  if (witness === null || typeof witness !== 'object') return '';
  const from = witness.from ?? {};
  const who = from.principal ?? (from.plaintext ? 'plaintext client' : from.namespace !== undefined ? `${from.namespace}/${from.workload ?? '?'}` : 'any caller');
  const groups = witness.jwt && witness.jwt.claims && Array.isArray(witness.jwt.claims.groups) ? ` with groups ${witness.jwt.claims.groups.join(', ')}` : '';
  const to = witness.to ?? {};
  const op = [witness.method, witness.path].filter((x) => typeof x === 'string').join(' ');
  return `${who}${groups} → ${op === '' ? '' : op + ' '}${to.namespace}/${to.workload ?? '?'}:${to.port ?? '?'}`;
}

/** @param {any} view the ProposalView of GET /api/proposals/:id */
export function showProposal(view) {
  current = view.id;
  const panel = byId('proposal');
  panel.hidden = false;
  const where = view.policy ? `${view.policy.namespace}/${view.policy.name}` : 'policy';
  const status = byId('proposal-status');
  status.textContent = view.verified ? `Verified: ${where} (proposal ${view.id})` : `Not verified: ${where} (proposal ${view.id})`;
  status.className = view.verified ? 'verdict ok' : 'verdict bad';

  const facts = byId('proposal-facts');
  clear(facts);
  const dryRun = view.dryRun.map((/** @type {any} */ d) => `${d.mode}: ${d.accepted ? 'accepted' : 'rejected'}${d.message ? ' (' + d.message + ')' : ''}`).join('; ') || 'not run';
  const rows = [
    ['Validation', `${view.validation.errors} error(s), ${view.validation.warnings} warning(s)`],
    ['Dry-run', dryRun],
    ['Access delta', `${view.summary.granted} granted, ${view.summary.revoked} revoked, ${view.summary.changed} changed${view.unintended > 0 ? `, ${view.unintended} not asked for` : ''}`],
    ['Expires', view.expires ?? 'never'],
  ];
  if (view.change) rows.push(['Review', view.change.url]);
  for (const [term, value] of rows) facts.append(el('dt', { text: term }), el('dd', { text: value }));

  const blockers = byId('proposal-blockers');
  clear(blockers);
  if (view.blockers.length > 0) {
    blockers.append(el('h3', { text: 'Why it is not verified' }), el('ul', {}, view.blockers.map((/** @type {string} */ b) => el('li', { text: b }))));
  }
  if (view.validation.messages.length > 0) {
    blockers.append(el('h3', { text: 'Validation' }), el('ul', {}, view.validation.messages.map((/** @type {string} */ m) => el('li', { text: m }))));
  }

  const tbody = byId('proposal-changes').querySelector('tbody');
  if (tbody) {
    clear(tbody);
    if (view.changes.length === 0) tbody.append(el('tr', {}, [el('td', { text: 'no change in access', attrs: { colspan: '4' } })]));
    for (const row of view.changes) {
      tbody.append(el('tr', { class: row.kind }, [el('td', { text: `${row.kind} (${row.before} → ${row.after})` }), el('td', { text: row.workload }), el('td', { text: row.summary }), el('td', {}, [el('code', { text: witnessText(row.witness) })])]));
    }
  }

  const findings = byId('proposal-findings');
  clear(findings);
  if (view.findings.length === 0) findings.append(el('li', { text: 'none' }));
  for (const f of view.findings) findings.append(el('li', { text: `${f.code} (${f.level}) ${f.source}: ${f.message}` }));

  const yaml = byId('proposal-yaml');
  clear(yaml);
  for (const line of String(view.yaml).replace(/\n$/, '').split('\n')) yaml.append(el('li', {}, [el('code', { text: line })]));

  const submitButton = /** @type {HTMLButtonElement} */ (byId('submit-proposal'));
  submitButton.hidden = !canSubmit || !view.verified;
  const submitStatus = byId('submit-status');
  clear(submitStatus);
  if (view.change) showChange(view.change.url, view.change.number);
  else if (!canSubmit) submitStatus.textContent = 'Submitting for review is not available to you here.';
}

/** @param {string} url @param {number} number */
function showChange(url, number) {
  const submitStatus = byId('submit-status');
  clear(submitStatus);
  const link = el('a', { text: `Gerrit change ${number}`, attrs: { href: url, rel: 'noopener noreferrer' } });
  submitStatus.append(el('span', { text: 'Opened for review: ' }), link);
  byId('submit-proposal').hidden = true;
}

async function submit() {
  if (current === undefined) return;
  const status = byId('submit-status');
  const button = /** @type {HTMLButtonElement} */ (byId('submit-proposal'));
  button.disabled = true;
  status.textContent = 'Opening a Gerrit change…';
  try {
    const result = await postJson(`/api/proposals/${encodeURIComponent(current)}/submit`, {});
    showChange(result.change.url, result.change.number);
    const link = status.querySelector('a');
    if (link) link.focus();
  } catch (error) {
    status.textContent = `Could not submit: ${error instanceof ApiError ? error.message : String(error)}`;
  } finally {
    button.disabled = false;
  }
}
