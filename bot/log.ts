import type { Logger } from '../commands/types.ts';

/**
 * Structured logs: one JSON object per line on stderr. Any occurrence of a secret (the bot token)
 * is replaced before writing, whatever field it hides in.
 */
export function createLogger(secrets: (string | null | undefined)[] = [], write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const hidden = secrets.filter((s): s is string => !!s && s.length >= 8);
  const redact = (s: string) => hidden.reduce((acc, secret) => acc.split(secret).join('[redacted]'), s);
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message, stack: v.stack, code: (v as { code?: unknown }).code } : v,
    );
    write(`${redact(line)}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
