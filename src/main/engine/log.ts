// Structured logging with secrets kept out. Two guards: values registered as secrets are
// masked wherever they appear, and fields whose names say "secret" are masked by name.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD = /^(pass(word|phrase)?|secret|(api_?)?token|stream_?key|key|authorization|cookie)$/i;
export const REDACTED = '[redacted]';

export type LogSink = (line: string) => void;

export class Logger {
  readonly #sink: LogSink;
  readonly #minimum: number;
  readonly #scope: string;
  readonly #secrets: Set<string>;

  constructor(options: { sink: LogSink; level?: LogLevel; scope?: string; secrets?: Set<string> }) {
    this.#sink = options.sink;
    this.#minimum = levelOrder[options.level ?? 'info'];
    this.#scope = options.scope ?? 'studio';
    this.#secrets = options.secrets ?? new Set();
  }

  /** A logger for a part of the engine, sharing sink and secrets. */
  child(scope: string): Logger {
    return new Logger({ sink: this.#sink, level: levelName(this.#minimum), scope, secrets: this.#secrets });
  }

  /** From now on, this value never appears in a log line. */
  registerSecret(value: string): void {
    if (value.length >= 4) this.#secrets.add(value);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#write('error', message, fields);
  }

  #write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (levelOrder[level] < this.#minimum) return;
    const detail = fields ? ` ${JSON.stringify(redactFields(fields))}` : '';
    this.#sink(this.redact(`${new Date().toISOString()} ${level} ${this.#scope}: ${message}${detail}`));
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.split(secret).join(REDACTED);
    return result;
  }
}

function levelName(order: number): LogLevel {
  return (Object.keys(levelOrder) as LogLevel[]).find((name) => levelOrder[name] === order) ?? 'info';
}

export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) && item !== null && item !== undefined ? REDACTED : redactFields(item, depth + 1);
  }
  return out;
}

export function consoleLogger(level: LogLevel = 'info'): Logger {
  return new Logger({ sink: (line) => process.stderr.write(`${line}\n`), level });
}
