import { systemClock, type Clock } from '../clock.js';

export const LogLevels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LogLevels;

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (for example `{ component: 'watch', kind: 'Rollout' }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  clock?: Clock;
  /** Where lines go; default stderr (stdout stays free for command output). */
  write?: (line: string) => void;
  fields?: LogFields;
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LogLevels, value);
}

/** One JSON object per line: `{"ts":…,"level":…,"msg":…,…fields}`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LogLevels[options.level ?? 'info'];
  const clock = options.clock ?? systemClock;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const make = (base: LogFields): Logger => {
    const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
      if (LogLevels[level] < threshold) return;
      const record = { ts: clock.now().toISOString(), level, msg, ...base, ...fields };
      write(JSON.stringify(record, replacer));
    };
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** For tests and library use: drops everything. */
export const silentLogger: Logger = createLogger({ level: 'silent', write: () => undefined });

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const extra = value as Error & { class?: unknown; code?: unknown; reason?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(extra.class !== undefined ? { class: extra.class } : {}),
      ...(extra.code !== undefined ? { code: extra.code } : {}),
      ...(extra.reason ? { reason: extra.reason } : {}),
    };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
