import { describe, expect, it } from 'vitest';
import { healthUrl } from './reachable.js';

describe('healthUrl', () => {
  it('asks for health under the instance path, whether or not the URL ends with its slash', () => {
    expect(healthUrl('http://alb.example/k3v7q2mzx4ab/')).toBe('http://alb.example/k3v7q2mzx4ab/health');
    expect(healthUrl('http://alb.example/k3v7q2mzx4ab')).toBe('http://alb.example/k3v7q2mzx4ab/health');
  });
});
