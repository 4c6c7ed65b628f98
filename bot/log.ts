export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;

/** One call, one line: `event` plus the task id and request id whenever they are known. */
export type Logger = (event: string, fields?: LogFields) => void;

// Interaction tokens and API keys must never reach a log line, whoever passes them.
const SECRET_KEY = /token|authorization|secret|password/i;

/** logfmt lines (`time=… event=… taskId=…`) written by `write`, stdout by default. */
export function createLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  return (event, fields = {}) => {
    const parts = [`time=${new Date().toISOString()}`, `event=${event}`];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || SECRET_KEY.test(key)) continue;
      parts.push(`${key}=${formatValue(value)}`);
    }
    write(parts.join(' '));
  };
}

function formatValue(value: LogValue): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
