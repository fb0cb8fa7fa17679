import { describe, expect, it } from 'vitest';
import { AwsError } from './aws-error.js';
import { paginate } from './pagination.js';

const bad = () => new AwsError('InvalidNextTokenException', 'bad token');

describe('paginate', () => {
  it('walks a list in pages with opaque tokens and ends without one', () => {
    const items = [1, 2, 3, 4, 5];
    const p1 = paginate(items, undefined, 2, 's', bad);
    const p2 = paginate(items, p1.next, 2, 's', bad);
    const p3 = paginate(items, p2.next, 2, 's', bad);
    expect([p1.items, p2.items, p3.items]).toEqual([[1, 2], [3, 4], [5]]);
    expect(p3.next).toBeUndefined();
  });

  it('refuses a token from another listing or a forged one', () => {
    const { next } = paginate([1, 2, 3], undefined, 1, 'a', bad);
    expect(() => paginate([1, 2, 3], next, 1, 'b', bad)).toThrow(AwsError);
    expect(() => paginate([1, 2, 3], 'garbage', 1, 'a', bad)).toThrow(AwsError);
  });
});
