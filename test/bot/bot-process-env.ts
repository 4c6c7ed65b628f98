/**
 * The environment a bot process (`bot/main.ts`) needs to run against the fakes: the fake
 * Discord, a served simulator and a data directory. Nothing inherited but PATH, so a real
 * token in the developer's shell can never reach a test's bot.
 */
export function botProcessEnv(
  fakes: { discord: { token: string; apiURL: string }; simulatorURL: string; dataDir: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: fakes.discord.token,
    DISCORD_API_URL: fakes.discord.apiURL,
    JIMENG_TOKEN: 'sim-token',
    JIMENG_BASE_URL: fakes.simulatorURL,
    BOT_DATA_DIR: fakes.dataDir,
    ...extra,
  };
}
