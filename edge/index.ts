import { createApp } from './app.ts';

/** The Durable Object classes behind FOLLOWERS and DISCORD_USERS: workerd finds them among the exports. */
export { DiscordUser } from './discord/discord-user.ts';
export { TaskFollower } from './follower/task-follower.ts';

/** The Worker entry (wrangler.toml `main`). */
export default createApp();
