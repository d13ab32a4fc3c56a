import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';

import { classifyModelFailure } from './classify-model-failure.js';
import { ModelError } from './model-error.js';

const context = { endpoint: 'http://m.svc/v1', model: 'qwen', timeoutMs: 1_000, timedOut: false, now: Date.parse('2026-12-01T00:00:00Z') };
const http = (status: number, body: unknown, headers: Record<string, string> = {}): APIError => APIError.generate(status, body as object, undefined, new Headers(headers));
const withCode = (code: string): Error => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

describe('classifyModelFailure', () => {
  it('maps HTTP answers to codes, retryability and the asked wait', () => {
    expect(classifyModelFailure(http(429, { error: { message: 'busy' } }, { 'retry-after': '3' }), context)).toMatchObject({ error: { code: 'model-rate-limited', retryable: true }, retryAfterMs: 3_000, status: 429 });
    expect(classifyModelFailure(http(503, { error: 'overloaded' }), context).error).toMatchObject({ code: 'model-unavailable', retryable: true, message: 'model server http://m.svc/v1 answered HTTP 503: overloaded' });
    expect(classifyModelFailure(http(401, { error: 'Unauthorized' }), context).error).toMatchObject({ code: 'model-unauthorized', retryable: false, message: expect.stringContaining('GIC_MODEL_API_KEY') });
    expect(classifyModelFailure(http(404, { error: { message: 'The model `x` does not exist.' } }), context).error).toMatchObject({ code: 'model-not-served', message: expect.stringContaining('does not serve "qwen"') });
    expect(classifyModelFailure(http(404, { error: { message: 'Not found: POST /chat/completions' } }), context).error).toMatchObject({ code: 'model-bad-request', message: expect.stringContaining('usually ending in /v1') });
    // openai keeps only `error` of the body: the client keeps the raw text, found by the response's headers.
    const fastApi = http(400, { detail: 'bad schema' });
    const bodyOf = (headers: Headers | undefined): string | undefined => (headers === fastApi.headers ? '{"detail": [{"msg": "bad schema"}]}' : headers === oldVllm.headers ? '{"object": "error", "message": "max_tokens too large"}' : undefined);
    const oldVllm = http(400, { object: 'error', message: 'max_tokens too large' });
    expect(classifyModelFailure(fastApi, { ...context, bodyOf }).error).toMatchObject({ code: 'model-bad-request', retryable: false, message: expect.stringContaining('bad schema') });
    expect(classifyModelFailure(oldVllm, { ...context, bodyOf }).error.message).toContain('HTTP 400: max_tokens too large');
    expect(classifyModelFailure(http(400, { detail: 'x' }), context).error.message).toContain('HTTP 400: 400 status code');
  });

  it('maps transport failures, timeouts, stream error events, non-JSON and errors found in the cause chain', () => {
    expect(classifyModelFailure(withCode('ECONNREFUSED'), context).error).toMatchObject({ code: 'model-unavailable', retryable: true, details: { errno: 'ECONNREFUSED' } });
    expect(classifyModelFailure(withCode('UND_ERR_HEADERS_TIMEOUT'), context).error).toMatchObject({ code: 'model-timeout', retryable: false });
    expect(classifyModelFailure(new Error('aborted'), { ...context, timedOut: true }).error).toMatchObject({ code: 'model-timeout', message: 'model server http://m.svc/v1: no answer within 1000 ms' });
    expect(classifyModelFailure(new APIError(undefined, { message: 'generation failed' }, 'generation failed', undefined), context).error).toMatchObject({ code: 'model-stream-cut', retryable: true });
    expect(classifyModelFailure(new APIConnectionError({ cause: withCode('ECONNRESET') }), context).error).toMatchObject({ code: 'model-unavailable', retryable: true });
    expect(classifyModelFailure(new SyntaxError('Unexpected token <'), context).error).toMatchObject({ code: 'model-bad-response', retryable: false });
    const refused = new ModelError('model-egress-refused', 'egress refused: x');
    expect(classifyModelFailure(new TypeError('fetch failed', { cause: refused }), context).error).toBe(refused);
  });
});
