// The error codes src/model throws, all AppErrors with the `model-` prefix (the CLI maps them to exit 5,
// "a live system failed": src/cli/exit-codes.ts). One list so front-ends and tests name the same codes.
import { AppError, type AppErrorOptions } from '../errors.js';

export type ModelErrorCode =
  /** The egress guard refused the endpoint: an address outside the cluster and not allow-listed. */
  | 'model-egress-refused'
  /** No model endpoint configured (`--model-url`, GIC_MODEL_URL) or no model name. */
  | 'model-not-configured'
  /** Connection refused or reset, DNS failure, or 5xx after every retry. */
  | 'model-unavailable'
  /** No answer (or no further stream chunk) within the timeout. */
  | 'model-timeout'
  /** 429 after every retry. */
  | 'model-rate-limited'
  /** 401 or 403: the API key is missing or wrong. */
  | 'model-unauthorized'
  /** The configured model is not served by the endpoint (404 for the model). */
  | 'model-not-served'
  /** The server rejected the request (400, 422): a gic bug or a feature the server lacks. */
  | 'model-bad-request'
  /** The server answered something that is not a chat completion. */
  | 'model-bad-response'
  /** A streamed answer stopped before its end (connection cut, error event, no finish reason). */
  | 'model-stream-cut'
  /** Structured output that stayed invalid after the repair round. */
  | 'model-invalid-output';

export class ModelError extends AppError {
  override readonly name = 'ModelError';
  declare readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
