/**
 * The most a submit body may carry. Base64 images make bodies big and the proxy's own limit is
 * not documented, so this is generous; it exists so that a stray upload cannot exhaust memory.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The body's bytes, or `undefined` as soon as they are known to pass `limit` (reading stops). */
export async function readBodyWithin(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get('content-length')) > limit) return undefined;
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
