// Structured logging: one JSON object per line, to stderr or any writable sink, never to stdout
// (stdout carries command output and, in stdio mode, the MCP channel). Child loggers add fields such
// as `command`, `tool`, `changeId`, `requestId`. No global logger: the composition root creates one.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

const RESERVED = { time: true, level: true, msg: true } as const;

export const LOG_LEVELS = Object.keys(LEVEL_ORDER) as readonly LogLevel[];

/** Where log lines go: process.stderr, a file stream, or a test buffer. */
export interface LogSink {
  write(line: string): unknown;
}

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly sink: LogSink;
  /** Lines below this level are dropped; default `info`. */
  readonly level?: LogLevel;
  readonly fields?: LogFields;
  /** Injected clock for deterministic tests; default the wall clock. */
  readonly now?: () => Date;
}

/** Creates a logger that writes `{"time","level","msg",...fields}` lines to the sink. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const emit = (level: LogLevel, message: string, fields: LogFields | undefined): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    // time, level and msg are reserved: fields cannot overwrite them.
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message };
    for (const source of [base, fields]) {
      if (source === undefined) continue;
      for (const [key, value] of Object.entries(source)) if (!(key in RESERVED)) record[key] = value;
    }
    options.sink.write(`${safeStringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
    enabled: (level) => LEVEL_ORDER[level] >= threshold,
  };
}

/** A logger that drops everything (library defaults, tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: { write: () => undefined }, level: 'error' });

function safeStringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => {
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (typeof value === 'bigint') return value.toString();
      return value;
    });
  } catch {
    return JSON.stringify({ time: record['time'], level: record['level'], msg: record['msg'], logError: 'unserializable fields' });
  }
}
