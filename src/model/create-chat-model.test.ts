import { describe, expect, it } from 'vitest';

import { ModelSettingsSchema } from '../config/config-schema.js';
import { assertModelEgressAllowed, checkModelEgress, createChatModel } from './create-chat-model.js';

const settings = (values: Record<string, unknown>) => ModelSettingsSchema.parse(values);

describe('createChatModel and the egress checks from settings', () => {
  it('creates no client without a URL and refuses a URL without a model name', async () => {
    expect(createChatModel(settings({}))).toBeUndefined();
    expect(await checkModelEgress(settings({}))).toBeUndefined();
    expect(() => createChatModel(settings({ url: 'http://10.0.0.5:8000/v1' }))).toThrow(expect.objectContaining({ code: 'model-not-configured' }));
    const client = createChatModel(settings({ url: 'http://user:secret@10.0.0.5:8000/v1/', model: 'qwen' }));
    expect(client?.endpoint).toBe('http://10.0.0.5:8000/v1');
    expect(client?.model).toBe('qwen');
    await client?.close();
  });

  it('refuses a configured endpoint outside the cluster with a message that says egress (for gic serve)', async () => {
    await expect(assertModelEgressAllowed(settings({ url: 'http://0x08080808:8000/v1', model: 'm' }))).rejects.toMatchObject({
      code: 'model-egress-refused',
      message: expect.stringMatching(/^egress refused: the address 8\.8\.8\.8 \(public\) is outside the cluster/),
    });
    expect(await assertModelEgressAllowed(settings({ url: 'http://0x08080808:8000/v1', model: 'm', allowHosts: ['8.8.8.8'] }))).toMatchObject({ allowed: true });
    expect(await assertModelEgressAllowed(settings({ url: 'http://[fd00::5]:8000/v1', model: 'm' }))).toMatchObject({ allowed: true, basis: 'addresses' });
    await expect(assertModelEgressAllowed(settings({ url: 'http://10.0.0.5/v1', allowHosts: ['not a host'] }))).rejects.toMatchObject({ code: 'model-not-configured' });
  });
});
