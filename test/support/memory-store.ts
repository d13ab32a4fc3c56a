// An in-memory Store for copilot tests until the SQLite store lands on main (then tests use it in a
// temporary data dir). Keeps the audit entries in order with a seq; no hash chain.
import type { AuditEntry, AuditEntryInput, AuditVerifyResult, ConversationRecord, ConversationTurn, ProposalRecord, Store } from '../../src/store/store.js';

export class MemoryStore implements Store {
  readonly audit: AuditEntry[] = [];
  readonly proposals = new Map<string, ProposalRecord>();
  readonly conversations = new Map<string, ConversationRecord>();
  private nextConversation = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  appendAudit(entry: AuditEntryInput): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, seq: this.audit.length + 1, time: this.now().toISOString(), prevHash: '0'.repeat(64), hash: '0'.repeat(64) };
    this.audit.push(full);
    return Promise.resolve(full);
  }
  listAudit(): Promise<AuditEntry[]> {
    return Promise.resolve([...this.audit]);
  }
  verifyAudit(): Promise<AuditVerifyResult> {
    return Promise.resolve({ ok: true, entries: this.audit.length, firstBad: null });
  }
  saveProposal(proposal: ProposalRecord): Promise<void> {
    this.proposals.set(proposal.id, structuredClone(proposal));
    return Promise.resolve();
  }
  getProposal(id: string): Promise<ProposalRecord | undefined> {
    const p = this.proposals.get(id);
    return Promise.resolve(p === undefined ? undefined : structuredClone(p));
  }
  markProposalSubmitted(id: string, change: NonNullable<ProposalRecord['change']>): Promise<void> {
    const p = this.proposals.get(id);
    if (p === undefined) return Promise.reject(new Error(`no proposal ${id}`));
    this.proposals.set(id, { ...p, change });
    return Promise.resolve();
  }
  createConversation(createdBy: string): Promise<ConversationRecord> {
    const c: ConversationRecord = { id: `c${this.nextConversation++}`, createdAt: this.now().toISOString(), createdBy, turns: [] };
    this.conversations.set(c.id, c);
    return Promise.resolve(structuredClone(c));
  }
  getConversation(id: string): Promise<ConversationRecord | undefined> {
    const c = this.conversations.get(id);
    return Promise.resolve(c === undefined ? undefined : structuredClone(c));
  }
  appendTurn(id: string, turn: Omit<ConversationTurn, 'time'>): Promise<ConversationRecord> {
    const c = this.conversations.get(id);
    if (c === undefined) return Promise.reject(new Error(`no conversation ${id}`));
    const next = { ...c, turns: [...c.turns, { ...turn, time: this.now().toISOString() }] };
    this.conversations.set(id, next);
    return Promise.resolve(structuredClone(next));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
