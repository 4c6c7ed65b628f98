import type { REST } from 'discord.js';
import type { Clock } from '../../src/index.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Logger } from '../log.ts';

/** What a command needs from the running bot. */
export interface CommandContext {
  runner: JobRunner;
  clock: Clock;
  logger: Logger;
  /** For interaction callbacks and webhooks, outside discord.js's global request budget. */
  interactionRest: REST;
}
