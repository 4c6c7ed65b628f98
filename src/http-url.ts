/** An absolute http(s) URL that fetch can parse: a base URL, an image to send the provider. */
export function isHttpURL(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}
