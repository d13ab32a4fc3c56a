import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { jsonSchemaOf } from './generate-object.js';

describe('jsonSchemaOf', () => {
  it('derives the input-shape JSON Schema without $schema, with patterns llama.cpp can read', () => {
    const schema = z.strictObject({
      path: z.string().regex(/^\/api\/[^ ]*$/),
      escaped: z.string().regex(/^a\\\/b\.c$/),
      pattern: z.object({ nested: z.array(z.string().regex(/^\//)) }),
      mode: z.enum(['a', 'b']).default('a'),
    });
    expect(jsonSchemaOf(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string', pattern: '^/api/[^ ]*$' },
        escaped: { type: 'string', pattern: '^a\\\\/b\\.c$' },
        pattern: { type: 'object', properties: { nested: { type: 'array', items: { type: 'string', pattern: '^/' } } }, required: ['nested'] },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
      },
      required: ['path', 'escaped', 'pattern'],
      additionalProperties: false,
    });
  });
});
