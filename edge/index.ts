import { createApp } from './app.ts';

/** The Worker entry (wrangler.toml `main`). */
export default createApp();
export { DiscordUser } from './discord/discord-user.ts';
