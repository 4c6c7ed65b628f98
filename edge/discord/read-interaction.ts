import type { APIInteraction } from 'discord-api-types/v10';
import * as v from 'valibot';
import { EdgeError } from '../errors.ts';

/** What the Worker reads of any interaction before it knows what kind it is. */
const InteractionSchema = v.object({ type: v.number(), application_id: v.string() });
/** And of a command: its job is keyed by `id`, its reply edited with `token`. */
const CommandSchema = v.object({
  id: v.string(),
  token: v.string(),
  data: v.object({ name: v.string(), type: v.number() }),
});

/**
 * The interaction in a body whose signature holds. A signature says Discord sent it, not what
 * it holds: a shape the Worker cannot read is a 400 that says why, not a crash halfway through.
 */
export function readInteraction(body: Uint8Array): APIInteraction {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new EdgeError(400, 'invalid_request', 'The interaction is not JSON.');
  }
  const base = v.safeParse(InteractionSchema, json);
  const parsed = base.success && base.output.type === 2 ? v.safeParse(CommandSchema, json) : base;
  const issue = parsed.issues?.[0];
  if (issue) {
    const path = v.getDotPath(issue);
    throw new EdgeError(
      400,
      'invalid_request',
      `The interaction is not one Discord sends: ${path ? `${path}: ` : ''}${issue.message}.`,
    );
  }
  return json as APIInteraction;
}
