import { describe, expect, it } from 'vitest';
import { leftoversOf, withLeftovers } from './leftovers.js';

describe('leftovers carried beside an error', () => {
  it('travel with an error object, never inside its message', () => {
    const error = new Error('DeleteTaskDefinitions: refused');
    expect(withLeftovers(error, ['arn:td:1'])).toBe(error);
    expect(leftoversOf(error)).toEqual(['arn:td:1']);
    expect(error.message).toBe('DeleteTaskDefinitions: refused');
    expect(leftoversOf(new Error('other'))).toBeUndefined();
  });

  it('leave a thrown value that is not an object as it is (nothing to carry them on)', () => {
    expect(withLeftovers('a string', ['x'])).toBe('a string');
    expect(withLeftovers(null, ['x'])).toBeNull();
    expect(leftoversOf('a string')).toBeUndefined();
    expect(leftoversOf(null)).toBeUndefined();
  });
});
