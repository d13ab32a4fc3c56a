// The model for copilot tests: gic's own OpenAI-compatible client (src/model, behind the egress guard,
// which allows the loopback scripted server) pointed at the scripted model server, without retries so
// that every scripted step answers exactly one call.
import type { ChatModel } from '../../src/model/chat-model.js';
import { ModelSettingsSchema } from '../../src/config/config-schema.js';
import { createChatModel } from '../../src/model/create-chat-model.js';

export function httpChatModel(baseUrl: string, model = 'scripted-model'): ChatModel {
  const client = createChatModel(ModelSettingsSchema.parse({ url: baseUrl, model, maxRetries: 0, timeoutMs: 30_000 }));
  if (client === undefined) throw new Error('no model client');
  return client;
}
