// Conversations and their turns as rows of `conversations` and `conversation_turns` (migrations.ts) and
// back, shared by every store. A turn's structured `data` is stored as canonical JSON text.
import { AppError } from '../errors.js';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import type { ConversationRecord, ConversationTurn } from './store.js';

/** Insert parameters in the column order of QUERIES.insertTurn. */
export function turnRowValues(conversationId: string, index: number, turn: Omit<ConversationTurn, 'time'>, time: string): (string | number | null)[] {
  if (turn.role !== 'user' && turn.role !== 'assistant') throw new AppError('internal', `conversation turn refused: role must be user or assistant, got ${JSON.stringify(turn.role)}`);
  if (typeof turn.text !== 'string') throw new AppError('internal', 'conversation turn refused: text must be a string');
  let data: string | null = null;
  if (turn.data !== undefined) {
    try {
      data = canonicalJson(turn.data);
    } catch (error) {
      if (error instanceof CanonicalJsonError) throw new AppError('internal', `conversation turn refused: data${error.path.slice(1)}: ${error.problem}`, { cause: error });
      throw error;
    }
  }
  return [conversationId, index, turn.role, turn.text, time, data];
}

export function decodeConversation(row: Readonly<Record<string, unknown>>, turns: readonly Readonly<Record<string, unknown>>[]): ConversationRecord {
  const id = String(row['id']);
  return {
    id,
    createdAt: String(row['created_at']),
    createdBy: String(row['created_by']),
    turns: turns.map((t) => ({
      role: t['role'] === 'assistant' ? 'assistant' : 'user',
      text: String(t['text']),
      time: String(t['time']),
      ...(t['data'] === null || t['data'] === undefined ? {} : { data: parseData(t['data'], id) }),
    })),
  };
}

function parseData(value: unknown, id: string): Record<string, unknown> {
  try {
    return JSON.parse(String(value)) as Record<string, unknown>;
  } catch (error) {
    throw new AppError('store-corrupt', `conversation ${id}: a turn's stored data is not JSON`, { cause: error });
  }
}
