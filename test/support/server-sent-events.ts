// Test helper: a chat turn's server-sent events from POST /api/conversations/ID/messages, read to the
// end of the stream and parsed ({event, data}); `data` is the JSON the server sent. Not a test itself.
export interface SentEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

export function parseServerSentEvents(text: string): SentEvent[] {
  return text
    .split(/\n\n/)
    // Comment-only blocks (`: keep-alive`) carry no event.
    .filter((block) => block.split('\n').some((l) => l.startsWith('data: ')))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** Sends one chat message and returns its events. */
export async function chatTurn(baseUrl: string, conversation: string, text: string): Promise<SentEvent[]> {
  const response = await fetch(`${baseUrl}/api/conversations/${conversation}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  if (!response.ok) throw new Error(`chat turn answered ${response.status}: ${await response.text()}`);
  return parseServerSentEvents(await response.text());
}
