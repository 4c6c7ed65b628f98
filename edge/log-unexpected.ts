/**
 * Logs an error nobody else will see (a bug of ours, a storage failure in the background) by
 * its name only: its message could hold anything, a token or a provider's body included.
 */
export function logUnexpected(where: string, error: unknown): void {
  console.error(where, error instanceof Error ? error.name : typeof error);
}
