/** Replaces every occurrence of `secret`, so nothing echoed back can carry it further. */
export function redactor(secret: string | undefined): (text: string) => string {
  return (text) => (secret ? text.split(secret).join('[redacted]') : text);
}
