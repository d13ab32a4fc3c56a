// A tiny authoritative DNS server on a loopback UDP port (node:dgram), for tests of name resolution that
// must not depend on the machine's resolver: it answers A and AAAA queries from a table the test changes at
// will (TTL 0, so nothing caches an answer: a DNS-rebinding test flips the table between two lookups),
// NXDOMAIN for names it does not know, and records every query. `resolver()` returns a ResolveHost that
// asks it through node:dns's own resolver (real DNS packets over UDP).
import { createSocket, type RemoteInfo } from 'node:dgram';
import { Resolver } from 'node:dns/promises';

export interface DnsRecords {
  readonly a?: readonly string[];
  readonly aaaa?: readonly string[];
}

export interface LoopbackDnsServer {
  /** `127.0.0.1:<port>`, for Resolver.setServers. */
  readonly address: string;
  /** Sets (or, with undefined, removes) the records of a name (case-insensitive, no trailing dot). */
  set(name: string, records: DnsRecords | undefined): void;
  /** Every query received: name and type (`A`, `AAAA`, or the number). */
  queries(): readonly { readonly name: string; readonly type: string }[];
  /** Resolves a name through this server: A and AAAA answers together, like dns.lookup with all: true. */
  resolve(name: string): Promise<string[]>;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(message: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = message[at];
    if (length === undefined) throw new Error('truncated name');
    if (length === 0) return { name: labels.join('.'), next: at + 1 };
    labels.push(message.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string): number[] => (text === '' ? [] : text.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((group, index) => out.writeUInt16BE(group, index * 2));
  return out;
}

export async function startLoopbackDnsServer(): Promise<LoopbackDnsServer> {
  const table = new Map<string, DnsRecords>();
  const seen: { name: string; type: string }[] = [];
  const socket = createSocket('udp4');

  socket.on('message', (query: Buffer, remote: RemoteInfo) => {
    let name: string;
    let next: number;
    try {
      ({ name, next } = readName(query, 12));
    } catch {
      return;
    }
    const type = query.readUInt16BE(next);
    const question = query.subarray(12, next + 4);
    const key = name.toLowerCase().replace(/\.$/, '');
    seen.push({ name: key, type: type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : String(type) });
    const records = table.get(key);
    const addresses = records === undefined ? [] : type === TYPE_A ? (records.a ?? []) : type === TYPE_AAAA ? (records.aaaa ?? []) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0); // id
    // QR=1, opcode 0, AA=1, RD copied, RA=1; RCODE 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (records === undefined ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const data = type === TYPE_A ? ipv4Bytes(address) : ipv6Bytes(address);
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(0, 6); // TTL 0: never cached
      record.writeUInt16BE(data.length, 10);
      return Buffer.concat([record, data]);
    });
    socket.send(Buffer.concat([header, question, ...answers]), remote.port, remote.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const address = `127.0.0.1:${socket.address().port}`;

  return {
    address,
    set(name, records) {
      const key = name.toLowerCase().replace(/\.$/, '');
      if (records === undefined) table.delete(key);
      else table.set(key, records);
    },
    queries: () => [...seen],
    async resolve(name) {
      const resolver = new Resolver({ timeout: 1_000, tries: 1 });
      resolver.setServers([address]);
      const settle = async (query: Promise<string[]>): Promise<string[] | Error> => query.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      const [v4, v6] = await Promise.all([settle(resolver.resolve4(name)), settle(resolver.resolve6(name))]);
      const found = [...(Array.isArray(v4) ? v4 : []), ...(Array.isArray(v6) ? v6 : [])];
      if (found.length === 0) throw v4 instanceof Error ? v4 : (v6 as Error);
      return found;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
