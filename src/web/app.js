// The chat page's entry point: who is asking and what they may do (GET /api/me), the names for the
// forms (GET /api/options), then the panels the caller's groups allow: chat (needs a model), ask,
// the intent form and submitting for review.
import { ApiError, getJson } from './api.js';
import { initAskPanel } from './ask-panel.js';
import { initChatPanel } from './chat-panel.js';
import { byId } from './dom.js';
import { initIntentForm } from './intent-form.js';
import { initProposalPanel } from './proposal-panel.js';

async function start() {
  const who = byId('who');
  let me;
  try {
    me = await getJson('/api/me');
  } catch (error) {
    who.textContent = `Not connected: ${error instanceof ApiError ? error.message : String(error)}`;
    return;
  }
  who.textContent = `Signed in as ${me.actor}${me.groups.length > 0 ? ` (groups: ${me.groups.join(', ')})` : ''}`;
  initProposalPanel(me.can.submit);
  const reason = !me.can.propose ? 'Your groups do not allow drafting policies; you can still ask the engine.' : 'No model is configured: use the form below to propose, or ask the engine.';
  await initChatPanel(me.can.chat, reason);
  if (me.can.ask || me.can.propose) {
    const options = await getJson('/api/options');
    if (me.can.ask) initAskPanel(options);
    if (me.can.propose) initIntentForm(options);
  }
  document.body.dataset['ready'] = 'true';
}

void start();
