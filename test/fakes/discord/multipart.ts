import type { IncomingMessage } from 'node:http';

export interface UploadedFile {
  /** The filename the client gave the part (`files[0]` of `x.mp4` -> `x.mp4`). */
  name: string;
  /** The form field, `files[n]` for discord.js uploads. */
  field: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface ParsedBody {
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body. */
  body: unknown;
  files: UploadedFile[];
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Parses a request body the way Discord does: JSON, or `multipart/form-data` with a
 * `payload_json` part plus one part per file. The web `Request.formData()` parser keeps the file
 * bytes exact, so tests can compare an upload to its source byte for byte.
 */
export async function parseBody(contentType: string, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (!contentType.startsWith('multipart/form-data')) {
    return { body: parseJson(raw.toString('utf8')), files: [] };
  }
  const form = await new Request('http://fake.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(raw),
  }).formData();
  let body: unknown;
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = parseJson(value);
      continue;
    }
    files.push({
      name: value.name,
      field,
      contentType: value.type,
      bytes: new Uint8Array(await value.arrayBuffer()),
    });
  }
  return { body, files };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
