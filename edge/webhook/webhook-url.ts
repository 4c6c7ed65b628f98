/**
 * Why a URL may not receive webhooks, or undefined when it may. The follower POSTs from inside
 * the Worker, so a URL pointing at a private, loopback or link-local address (a cloud metadata
 * service, a router, the Worker's own host) must be refused (SSRF). Only literal addresses can
 * be checked here: Workers cannot resolve names, and Cloudflare's own egress does not route to
 * private networks.
 */
export function webhookUrlProblem(text: string, allowPrivate: boolean): string | undefined {
  if (text.length > 2048) return 'the webhook URL is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text.slice(0, 100)}" is not a URL`;
  }
  if (url.username || url.password) return 'the webhook URL must not carry a user name or password';
  if (allowPrivate) {
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? undefined
      : `the webhook URL must be http(s), not ${url.protocol}`;
  }
  if (url.protocol !== 'https:') return `the webhook URL must be https, not ${url.protocol}`;
  // `localhost.` is localhost: a trailing dot only anchors the name at the DNS root.
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (isLocalName(host)) return `the webhook host ${host} is a local name, not a public one`;
  const v4 = parseIPv4(host);
  if (v4 && isPrivateIPv4(v4)) {
    return `the webhook host ${host} is a private, loopback or link-local address`;
  }
  if (host.startsWith('[')) {
    const v6 = parseIPv6(host.slice(1, -1));
    if (!v6 || isPrivateIPv6(v6)) {
      return `the webhook host ${host} is a private, loopback or link-local address`;
    }
  }
  return undefined;
}

const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

function isLocalName(host: string): boolean {
  if (host === 'localhost') return true;
  // A name without a dot is resolved inside some network, never on the public Internet.
  if (!host.includes('.') && !host.startsWith('[')) return true;
  return LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/** The URL parser has already turned every IPv4 spelling (0x7f.1, 2130706433) into a.b.c.d. */
function parseIPv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

/** Special-purpose IPv4 blocks (RFC 6890): none of them is a public host. */
const PRIVATE_IPV4: Array<[number[], number]> = [
  [[0, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4],
];

function inBlock(address: number[], block: number[], prefix: number, bitsPerPart: number): boolean {
  let left = prefix;
  for (let i = 0; left > 0; i++, left -= bitsPerPart) {
    const bits = Math.min(bitsPerPart, left);
    const shift = bitsPerPart - bits;
    if ((address[i] ?? 0) >> shift !== (block[i] ?? 0) >> shift) return false;
  }
  return true;
}

function isPrivateIPv4(address: number[]): boolean {
  return PRIVATE_IPV4.some(([block, prefix]) => inBlock(address, block, prefix, 8));
}

/** Eight 16-bit groups; the URL parser has already written the address in its short form. */
function parseIPv6(text: string): number[] | undefined {
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const missing = 8 - front.length - back.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...front, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...back];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return all.map((group) => Number.parseInt(group, 16));
}

const PRIVATE_IPV6: Array<[number[], number]> = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128], // unspecified
  [[0, 0, 0, 0, 0, 0, 0, 1], 128], // loopback
  [[0xfc00], 7], // unique local
  [[0xfe80], 10], // link-local
  [[0xfec0], 10], // site-local (deprecated, still routed inside some networks)
  [[0xff00], 8], // multicast
  [[0x2001, 0x0db8], 32], // documentation
  [[0x2001, 0], 32], // Teredo: a tunnel whose far end is some network's host
  [[0x0064, 0xff9b, 0x0001], 48], // local-use NAT64 (RFC 8215)
  [[0x0100, 0, 0, 0], 64], // discard
];

/**
 * Blocks whose addresses carry an IPv4 address, and where: mapped ::ffff:a.b.c.d, translated
 * (SIIT) ::ffff:0:a.b.c.d, compatible ::a.b.c.d and NAT64 64:ff9b::a.b.c.d in the last 32 bits;
 * 6to4 2002:aabb:ccdd:: in bits 16 to 47. Such an address is only as public as its IPv4.
 */
const IPV4_CARRIERS: Array<[number[], number, number]> = [
  [[0, 0, 0, 0, 0, 0xffff], 96, 6],
  [[0, 0, 0, 0, 0xffff, 0], 96, 6],
  [[0, 0, 0, 0, 0, 0], 96, 6],
  [[0x64, 0xff9b, 0, 0, 0, 0], 96, 6],
  [[0x2002], 16, 1],
];

function isPrivateIPv6(address: number[]): boolean {
  if (PRIVATE_IPV6.some(([block, prefix]) => inBlock(address, block, prefix, 16))) return true;
  return IPV4_CARRIERS.some(([block, prefix, at]) => {
    if (!inBlock(address, block, prefix, 16)) return false;
    const high = address[at] ?? 0;
    const low = address[at + 1] ?? 0;
    return isPrivateIPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  });
}
