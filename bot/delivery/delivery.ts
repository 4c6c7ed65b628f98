/** Where a final answer went, or why it went nowhere. */
export type Delivery =
  | { via: 'interaction' | 'channel' }
  | { via: 'nowhere'; missing: string[]; reason: string };
