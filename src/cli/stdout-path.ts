/**
 * `--out /dev/stdout` (or its /dev/fd and /proc aliases) names the CLI's own stdout. That
 * stream may be a socket, which Linux will not open by path (ENXIO), and it must carry the
 * video alone: `jimeng task … --out /dev/stdout | ffmpeg -i -`.
 */
export function isStdoutPath(path: string | undefined): boolean {
  return path !== undefined && /^\/(dev\/stdout|dev\/fd\/1|proc\/self\/fd\/1)$/.test(path);
}
