/** Structured JSON log lines. Callers pass messages and counts, never API keys, env values or resources. */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, string | number | boolean | string[]>): void;
}

export function levelFrom(value: string | undefined): LogLevel {
  const lowered = (value ?? "").toLowerCase();
  return lowered in ORDER ? (lowered as LogLevel) : "info";
}

export function jsonLogger(minimum: LogLevel, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return {
    log(level, message, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return;
      write(JSON.stringify({ level, message, ...fields }));
    },
  };
}
