// `gic chat [--mesh PATH] [--conversation ID]`: the chat page's conversation in the terminal. Each
// message is one chat turn (src/chat/chat-turn.ts): the model's answer streams as it is written, tool
// calls and progress show as dim lines, questions and the proposal as text. Slash commands: /propose
// [FILE] (propose an intent file, or verify the current proposal's intent again), /submit, /diff, /yaml,
// /reset, /help, /quit. Without a model only the slash commands work. Colour only on a terminal and
// never with NO_COLOR. Exits 0 at the end of input.
import { readFile } from 'node:fs/promises';

import type { ChatEvent } from '../../chat/chat-event.js';
import type { ChatEngine } from '../../chat/chat-turn.js';
import { runChatTurn } from '../../chat/chat-turn.js';
import { DEFAULT_CHAT_SETTINGS } from '../../chat/chat-settings.js';
import { proposalView, type ProposalView } from '../../chat/proposal-view.js';
import { colourWanted } from '../../config/terminal-colour.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, MESH_OPTION, POLICY_REPO_OPTIONS } from '../copilot-options.js';
import { renderChatEvent, renderDiff, renderProposalSummary, renderYaml } from '../output/render-chat.js';
import { painter, terminalSafe } from '../output/terminal-text.js';
import { CHAT_OPTIONS, MODEL_OPTIONS } from '../setting-options.js';
import { chatCatalog } from '../chat-catalog.js';
import { chatMessages } from '../chat-input.js';

const HELP = `Type a message and press Enter (end a line with \\ to continue it, or put several lines between two lines """).
  /propose [FILE]  propose the intent in FILE (JSON), or verify the current proposal's intent again
  /submit          open the current proposal as a Gerrit change for review
  /diff            who gains or loses access with the current proposal
  /yaml            the current proposal's YAML
  /reset           start a new conversation
  /help            this text
  /quit            leave (so does the end of input, Ctrl+D)
`;

export const chatCommand: Command = {
  name: 'chat',
  description: 'talk to gic in the terminal: ask, draft and submit policies (the chat page\'s conversation; streaming, slash commands)',
  usage: 'gic chat --mesh PATH [--conversation ID] [--model-url URL --model NAME]',
  examples: [
    'gic chat --mesh examples/demo-mesh --gerrit-snapshot examples/demo-gerrit --model-url http://vllm.models.svc:8000/v1 --model qwen2.5-7b-instruct',
    'printf \'let release-managers POST /api/builds on builds/build-trigger\\n/yaml\\n\' | NO_COLOR=1 gic chat --mesh examples/demo-mesh --model-url ... --model ...',
  ],
  options: {
    ...MESH_OPTION,
    conversation: { type: 'string', valueName: 'ID', description: 'continue this conversation' },
    ...COPILOT_OPTIONS,
    ...POLICY_REPO_OPTIONS,
    ...MODEL_OPTIONS,
    ...CHAT_OPTIONS,
  },
  formats: ['human'],
  async run({ values, io, logger }) {
    const { openCopilot } = await import('../copilot-context.js');
    const opened = await openCopilot('chat', values, logger, { mesh: 'required', model: 'optional', gerritWriter: true });
    const paint = painter(colourWanted(io.stdoutIsTTY));
    const { copilot, ctx } = opened;
    const store = copilot.deps.store;
    const caller = { actor: ctx.actor, groups: [] as string[] };
    const engine: ChatEngine = { copilot, tools: chatCatalog(), settings: { ...DEFAULT_CHAT_SETTINGS, ...opened.config.chat }, logger, allows: () => Promise.resolve(true) };
    const abort = new AbortController();
    let conversation = typeof values['conversation'] === 'string' ? values['conversation'] : undefined;
    let current: ProposalView | undefined;
    const print = async (text: string): Promise<void> => {
      if (text === '') return;
      io.stdout(text);
      await io.drain?.();
    };
    const fail = (error: unknown): string => paint('red', `error: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
    try {
      if (conversation !== undefined) {
        const found = await store.getConversation(conversation);
        if (found === undefined || found.createdBy !== ctx.actor) throw new AppError('not-found', `no conversation ${conversation}`);
        for (const t of found.turns) await print(`${t.role === 'user' ? paint('bold', 'you>') : paint('bold', 'gic>')} ${terminalSafe(t.text)}\n`);
        const last = found.turns.findLast((t) => typeof t.data?.['proposal'] === 'string')?.data?.['proposal'];
        const record = typeof last === 'string' ? await store.getProposal(last) : undefined;
        if (record !== undefined) current = proposalView(record);
      }
      const mode = copilot.deps.model === undefined ? 'no model: slash commands only' : engine.settings.mode === 'draft' || engine.tools.length === 0 ? 'intent extraction' : 'tool calling';
      await print(paint('dim', `gic chat (${mode}); /help for commands\n`));
      const interactive = process.stdin.isTTY === true && io.stdoutIsTTY;
      for await (const message of chatMessages(process.stdin, (continued) => interactive && io.stdout(paint('bold', continued ? '... ' : 'you> ')))) {
        const trimmed = message.trim();
        if (trimmed.startsWith('/')) {
          const [name, ...args] = trimmed.split(/\s+/);
          try {
            if (name === '/quit' || name === '/exit') break;
            if (name === '/help') await print(HELP);
            else if (name === '/reset') {
              conversation = undefined;
              current = undefined;
              await print('new conversation\n');
            } else if (name === '/yaml' || name === '/diff') {
              if (current === undefined) await print('no proposal yet\n');
              else await print(name === '/yaml' ? renderYaml(current) : renderDiff(current, paint));
            } else if (name === '/submit') {
              if (current === undefined) await print('no proposal yet\n');
              else {
                const result = await copilot.submit({ proposal: current.id }, { ...ctx, action: 'gic chat:submit' });
                const record = await store.getProposal(current.id);
                if (record !== undefined) current = proposalView(record);
                await print(`${result.alreadySubmitted ? 'already open for review' : 'opened for review'}: ${result.change.url}\n`);
              }
            } else if (name === '/propose') {
              let intent: unknown;
              if (args.length > 0) {
                const file = args.join(' ');
                const text = await readFile(file, 'utf8').catch((error: unknown) => {
                  throw new AppError('input-unreadable', `cannot read ${file}: ${(error as Error).message}`);
                });
                try {
                  intent = JSON.parse(text) as unknown;
                } catch (error) {
                  throw new AppError('bad-request', `${file} is not JSON: ${(error as Error).message}`);
                }
              } else if (current !== undefined) intent = (await store.getProposal(current.id))?.intent;
              else throw new AppError('bad-request', 'no proposal yet: give an intent file, /propose FILE');
              const result = await copilot.propose({ intent, ...(conversation !== undefined ? { conversationId: conversation } : {}) }, { ...ctx, action: 'gic chat:propose' });
              const record = await store.getProposal(result.proposal);
              if (record !== undefined) {
                current = proposalView(record);
                await print(renderProposalSummary(current, paint));
              }
            } else await print(`unknown command ${terminalSafe(name ?? '')}; /help lists them\n`);
          } catch (error) {
            await print(fail(error));
          }
          continue;
        }
        if (copilot.deps.model === undefined) {
          await print(paint('yellow', 'no model configured (--model-url, --model): only /propose FILE, /yaml, /diff and /submit work\n'));
          continue;
        }
        conversation ??= (await store.createConversation(ctx.actor)).id;
        let streamed = false;
        // Events are printed in order as they come (CliIo writes synchronously).
        await runChatTurn(engine, { conversation, text: message, caller, signal: abort.signal, surface: 'gic chat' }, (event: ChatEvent) => {
          if (event.type === 'text') streamed = true;
          if (event.type === 'proposal') current = event.proposal;
          io.stdout(renderChatEvent(event, paint, streamed));
          if (event.type === 'answer' || event.type === 'tool') streamed = false;
        });
        await io.drain?.();
      }
      if (conversation !== undefined) await print(paint('dim', `conversation ${conversation}\n`));
      return { status: 'ok' };
    } finally {
      abort.abort();
      await opened.close();
    }
  },
};
