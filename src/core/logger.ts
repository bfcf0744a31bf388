/**
 * Redis-style log lines: `<pid>:M <day> <mon> <year> <hh:mm:ss.mmm> <c> <message>`
 * where c is `.` debug, `-` verbose, `*` notice, `#` warning. Written to stdout
 * or appended to `logfile`. Secrets never reach a log line: callers log names,
 * never values of sensitive directives or passwords.
 */
import { privateLogSink } from '../security/files.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';

const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<Exclude<LogLevel, 'nothing'>, string> = {
  debug: '.',
  verbose: '-',
  notice: '*',
  warning: '#',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface LogSink {
  write(line: string): void;
}

export const stdoutSink: LogSink = { write: (line) => void process.stdout.write(line) };

/** The log file: 0600 (logs hold client addresses and key names), see security/files.ts. */
export function fileSink(path: string): LogSink {
  return privateLogSink(path);
}

/** A sink that drops everything (embedded servers default to quiet). */
export const nullSink: LogSink = { write() {} };

export class Logger {
  level: LogLevel = 'notice';
  private readonly onceKeys = new Set<string>();

  constructor(public sink: LogSink = stdoutSink) {}

  enabled(level: Exclude<LogLevel, 'nothing'>): boolean {
    return RANK[level] >= RANK[this.level];
  }

  log(level: Exclude<LogLevel, 'nothing'>, message: string): void {
    if (RANK[level] < RANK[this.level]) return;
    this.sink.write(`${process.pid}:M ${timestamp(new Date())} ${MARK[level]} ${message}\n`);
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  verbose(message: string): void {
    this.log('verbose', message);
  }
  notice(message: string): void {
    this.log('notice', message);
  }
  warning(message: string): void {
    this.log('warning', message);
  }

  /** Log a message only the first time `key` is seen. */
  once(key: string, level: Exclude<LogLevel, 'nothing'>, message: string): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.log(level, message);
  }
}

function timestamp(d: Date): string {
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  const ms = d.getMilliseconds();
  return (
    `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`
  );
}
