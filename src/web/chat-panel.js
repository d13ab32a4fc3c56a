// The chat panel: the conversation (kept by the server and reloaded from its id in localStorage), the
// model's answer streaming in as it is written, tool calls shown as steps, clarifying questions with
// their options as buttons, and the proposal handed to the proposal panel. Ctrl+Enter sends.
import { ApiError, getJson, postJson, postStream } from './api.js';
import { byId, clear, el } from './dom.js';
import { showProposal } from './proposal-panel.js';

const KEY = 'gic.conversation';
/** @type {string | undefined} */
let conversation;
let busy = false;

/** @param {'user' | 'assistant' | 'tool' | 'error'} role @param {string} text @returns {HTMLElement} */
function addMessage(role, text) {
  const who = role === 'user' ? 'You' : role === 'tool' ? 'Tool' : role === 'error' ? 'Error' : 'gic';
  const body = el('p', { class: 'text', text });
  const item = el('li', { class: `msg ${role}` }, [el('span', { class: 'who', text: `${who}: ` }), body]);
  byId('log').append(item);
  item.scrollIntoView({ block: 'nearest' });
  return body;
}

/** @param {any[]} questions */
function addQuestions(questions) {
  const list = el('ul', { class: 'questions' });
  for (const q of questions) {
    const options = el('div', { class: 'options' });
    for (const option of q.options) {
      const button = el('button', { text: option, attrs: { type: 'button', 'aria-label': `Answer: ${option}` } });
      button.addEventListener('click', () => void send(`I meant ${option}`));
      options.append(button);
    }
    list.append(el('li', {}, [el('p', { class: 'question', text: q.question }), options]));
  }
  const item = el('li', { class: 'msg assistant' }, [el('span', { class: 'who', text: 'gic asks: ' }), list]);
  byId('log').append(item);
  const first = item.querySelector('button');
  if (first) first.focus();
}

/** @param {string} text */
function setStatus(text) {
  byId('chat-status').textContent = text;
}

async function ensureConversation() {
  if (conversation !== undefined) return conversation;
  const created = await postJson('/api/conversations', {});
  conversation = String(created.id);
  localStorage.setItem(KEY, conversation);
  return conversation;
}

/** @param {string} text */
export async function send(text) {
  if (busy || text.trim() === '') return;
  busy = true;
  const sendButton = /** @type {HTMLButtonElement} */ (byId('send'));
  sendButton.disabled = true;
  addMessage('user', text);
  setStatus('gic is working…');
  /** @type {HTMLElement | undefined} */
  let streaming;
  try {
    const id = await ensureConversation();
    await postStream(`/api/conversations/${encodeURIComponent(id)}/messages`, { text }, (type, data) => {
      if (type === 'text') {
        streaming ??= addMessage('assistant', '');
        streaming.textContent += data.delta;
      } else if (type === 'progress') {
        setStatus(`${data.stage}: ${data.message}`);
      } else if (type === 'tool' && data.status !== 'call') {
        addMessage('tool', `${data.name} ${data.status === 'ok' ? 'answered' : 'failed'}: ${String(data.text).slice(0, 400)}`);
        streaming = undefined;
      } else if (type === 'questions') {
        addQuestions(data.questions);
      } else if (type === 'proposal') {
        showProposal(data.proposal);
      } else if (type === 'fallback') {
        setStatus(`Falling back to intent extraction: ${data.reason}`);
      } else if (type === 'answer') {
        if (streaming !== undefined) streaming.textContent = data.text;
        else if (data.mode !== 'draft' || !byId('log').lastElementChild?.querySelector('.questions')) addMessage('assistant', data.text);
        streaming = undefined;
      } else if (type === 'error') {
        addMessage('error', data.message);
      }
    });
    setStatus('');
  } catch (error) {
    addMessage('error', error instanceof ApiError ? error.message : String(error));
    setStatus('');
  } finally {
    busy = false;
    sendButton.disabled = false;
  }
}

/** Shows a stored conversation again (after a reload). */
async function restore() {
  const id = localStorage.getItem(KEY);
  if (id === null) return;
  try {
    const stored = await getJson(`/api/conversations/${encodeURIComponent(id)}`);
    conversation = id;
    /** @type {string | undefined} */
    let proposal;
    for (const turn of stored.turns) {
      addMessage(turn.role === 'user' ? 'user' : 'assistant', turn.text);
      if (turn.data && Array.isArray(turn.data.questions) && turn.data.questions.length > 0) addQuestions(turn.data.questions);
      if (turn.data && typeof turn.data.proposal === 'string') proposal = turn.data.proposal;
    }
    if (proposal !== undefined) showProposal((await getJson(`/api/proposals/${encodeURIComponent(proposal)}`)).proposal);
  } catch {
    localStorage.removeItem(KEY);
  }
}

/** The id of the conversation in progress (the intent form records its proposal there too). */
export function currentConversation() {
  return conversation;
}

/** @param {boolean} enabled @param {string} reason */
export async function initChatPanel(enabled, reason) {
  const form = /** @type {HTMLFormElement} */ (byId('chat-form'));
  const message = /** @type {HTMLTextAreaElement} */ (byId('message'));
  if (!enabled) {
    form.hidden = true;
    const off = byId('chat-off');
    off.hidden = false;
    off.textContent = reason;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = message.value;
    message.value = '';
    void send(text);
  });
  message.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  byId('new-conversation').addEventListener('click', () => {
    conversation = undefined;
    localStorage.removeItem(KEY);
    clear(byId('log'));
    byId('proposal').hidden = true;
    message.focus();
  });
  await restore();
}
