// The chat page's calls to gic's JSON API (README "The chat API"): JSON in and out, errors as
// ApiError with the server's code and message, and the chat message route read as server-sent events
// from a streamed fetch (EventSource cannot POST).
import { readServerSentEvents } from './sse-reader.js';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {Response} response */
async function failure(response) {
  let code = 'http-' + response.status;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error) {
      code = String(body.error.code);
      message = String(body.error.message);
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message);
}

/** @param {string} path */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** @param {string} path @param {unknown} body */
export async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Posts and calls `onEvent` with each server-sent event's type and parsed data.
 * @param {string} path @param {unknown} body @param {(type: string, data: any) => void} onEvent
 */
export async function postStream(path, body, onEvent) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  if (response.body === null) throw new ApiError(502, 'no-stream', 'the server sent no event stream');
  for await (const event of readServerSentEvents(response.body)) {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      continue;
    }
    onEvent(event.event, data);
  }
}
