import { createApp } from './app.ts';

/** The Durable Object class behind FOLLOWERS: wrangler and workerd find it among the exports. */
export { TaskFollower } from './follower/task-follower.ts';

/** The Worker entry (wrangler.toml `main`). */
export default createApp();
