import { describe, expect, it } from 'vitest';
import {
  describeBusinessCode,
  rateLimitCodes,
  retryableQueryCodes,
} from '../../src/business-codes.ts';

describe('the business-code table', () => {
  it('asking again is worth it only while the provider is busy or limited', () => {
    expect([...retryableQueryCodes].sort()).toEqual([50429, 50430, 50500, 50501]);
    expect([...rateLimitCodes].sort()).toEqual([50429, 50430]);
  });

  it('a refused output may pass when submitted again; a refused input or prompt may not', () => {
    expect(describeBusinessCode(50516)).toMatchObject({
      askAgain: false,
      submitAgain: true,
      moderation: true,
    });
    expect(describeBusinessCode(50412)).toMatchObject({
      askAgain: false,
      submitAgain: false,
      moderation: true,
    });
    expect(describeBusinessCode(50215)).toMatchObject({ submitAgain: false, moderation: false });
  });

  it('an undocumented code has no entry', () => {
    expect(describeBusinessCode(12345)).toBeUndefined();
  });
});
