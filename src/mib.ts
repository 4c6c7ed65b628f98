/** A size as people read it in a message: "9.5 MiB". */
export function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
