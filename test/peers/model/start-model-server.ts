// The standalone model peer behind `npm run peer -- model`: a scripted model server whose script comes
// from the JSON file named by env GIC_MODEL_SCRIPT (script-file.ts). Without it, the peer answers every
// chat request with a short echo of the last user message and says so in /v1/models. Tests create their
// own server with createScriptedModelServer instead.
import type { RunningPeer } from '../peer.js';
import type { ChatCompletionRequest } from './chat-completion-request.js';
import { loadScriptFile } from './script-file.js';
import type { ScriptStep } from './script-step.js';
import { createScriptedModelServer } from './scripted-model-server.js';

/** Model id served when no script is loaded. */
export const ECHO_MODEL = 'scripted-echo';

const ECHO_DESCRIPTION =
  'No script loaded (GIC_MODEL_SCRIPT is not set): every chat request is answered with an echo of the last user message.';

/** The text of the last user message (text parts joined), or '' when there is none. */
export function lastUserText(request: ChatCompletionRequest): string {
  const last = request.messages.findLast((message) => message.role === 'user');
  if (last === undefined) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content.map((part) => (typeof part['text'] === 'string' ? part['text'] : '')).join('');
}

function echoStep(request: ChatCompletionRequest): ScriptStep {
  return { kind: 'text', text: `You said: ${lastUserText(request)}` };
}

export async function startModelServer(): Promise<RunningPeer<{ baseUrl: string }>> {
  const scriptPath = process.env['GIC_MODEL_SCRIPT'];
  const server =
    scriptPath === undefined || scriptPath === ''
      ? await createScriptedModelServer({ models: [ECHO_MODEL], modelDescription: ECHO_DESCRIPTION, whenExhausted: echoStep })
      : await loadScriptFile(scriptPath).then((loaded) =>
          createScriptedModelServer({
            models: loaded.models ?? ['scripted-model'],
            modelDescription: `Scripted answers from ${scriptPath} (${loaded.steps.length} steps; then HTTP 500 "script exhausted").`,
            script: loaded.steps,
          }),
        );
  return { info: { baseUrl: server.baseUrl }, stop: () => server.close() };
}
