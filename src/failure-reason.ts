/**
 * A failed request in words. Node's fetch says only "fetch failed"; what failed (ECONNREFUSED,
 * ENOTFOUND for a mistyped host, a blocked port, TLS) is in its cause, so a few causes are read too.
 */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const parts = [`${error.name}: ${error.message}`];
  let cause = error.cause;
  for (let depth = 0; depth < 3 && cause instanceof Error; depth++) {
    parts.push(describeCause(cause));
    cause = cause.cause;
  }
  return parts.join(': ');
}

function describeCause(cause: Error): string {
  const code = (cause as { code?: unknown }).code;
  const named = typeof code === 'string' ? code : undefined;
  // OpenSSL's messages run over lines of library internals: its code says enough.
  const said = cause.message.split('\n')[0]?.trim() ?? '';
  if (!said || (named && said.length > 120)) return named ?? cause.name;
  return named && !said.includes(named) ? `${named} ${said}` : said;
}
