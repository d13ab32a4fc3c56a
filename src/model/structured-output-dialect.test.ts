import { describe, expect, it } from 'vitest';

import { applyDialect } from './structured-output-dialect.js';

const schema = { name: 'intent', schema: { type: 'object', properties: { a: { type: 'string' } } } };
const text = (name: string, json: string): string => `JSON ${name}: ${json}`;

describe('applyDialect', () => {
  it('asks for the schema the way each server takes it', () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    expect(applyDialect('json_schema', schema, messages, text)).toEqual({ fields: { response_format: { type: 'json_schema', json_schema: schema } }, messages });
    expect(applyDialect('json_object_schema', schema, messages, text)).toEqual({ fields: { response_format: { type: 'json_object', schema: schema.schema } }, messages });
    expect(applyDialect('ollama_format', schema, messages, text)).toEqual({ fields: { format: schema.schema }, messages });
  });

  it('puts the schema into the first system message, or a new one first', () => {
    const json = JSON.stringify(schema.schema);
    expect(applyDialect('prompt', schema, [{ role: 'user', content: 'hi' }], text)).toEqual({
      fields: {},
      messages: [
        { role: 'system', content: `JSON intent: ${json}` },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(applyDialect('prompt', schema, [{ role: 'system', content: 'Rules.' }, { role: 'user', content: 'hi' }], text).messages[0]).toEqual({ role: 'system', content: `Rules.\n\nJSON intent: ${json}` });
  });
});
