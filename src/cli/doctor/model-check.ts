// `gic doctor`'s model check: resolves the endpoint's host and applies the egress guard; when the guard
// refuses, nothing is sent and the check fails with the verdict. When it allows, one cheap GET /models
// (through the same guard) confirms the server answers and serves the configured model.
import type { ModelSettings } from '../../config/config-schema.js';
import { AppError } from '../../errors.js';
import { checkModelEgress, createChatModel } from '../../model/create-chat-model.js';
import type { ResolveHost } from '../../model/egress-guard.js';
import type { DoctorCheck } from './doctor-check.js';

export function modelCheck(settings: ModelSettings, resolve?: ResolveHost): DoctorCheck {
  return {
    name: 'model',
    async run(signal) {
      if (settings.url === undefined) {
        return { ok: true, configured: false, detail: 'no model configured (--model-url, GIC_MODEL_URL): everything but drafting from natural language works without one' };
      }
      const endpoint = new URL(settings.url);
      const verdict = await checkModelEgress(settings, resolve);
      const addresses = verdict?.addresses.map((a) => a.address) ?? [];
      if (verdict === undefined || !verdict.allowed) {
        return { ok: false, addresses, egress: 'refused', detail: `egress refused, nothing was sent to ${endpoint.host}: ${verdict?.reason ?? 'no verdict'}` };
      }
      if (settings.model === undefined) {
        return { ok: false, addresses, egress: 'allowed', detail: `${verdict.reason}; but no model name is configured (--model, GIC_MODEL)` };
      }
      const client = createChatModel(settings, resolve === undefined ? {} : { resolve });
      if (client === undefined) throw new AppError('internal', 'a model URL is configured but no client was created');
      try {
        const served = await client.listModels(signal);
        if (!served.includes(settings.model)) {
          return { ok: false, addresses, egress: 'allowed', detail: `${client.endpoint} does not serve "${settings.model}" (it serves: ${served.join(', ') || 'nothing'})` };
        }
        return { ok: true, addresses, egress: 'allowed', detail: `${client.endpoint} serves ${settings.model} (${verdict.reason})` };
      } catch (error) {
        return { ok: false, addresses, egress: 'allowed', detail: error instanceof Error ? error.message : String(error) };
      } finally {
        await client.close();
      }
    },
  };
}
