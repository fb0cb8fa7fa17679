import { describe, expect, it } from 'vitest';
import { isInstanceRule } from './find-instance-rule.js';

const tg = 'arn:aws:elasticloadbalancing:us-west-2:0:targetgroup/openclaw-abcdefghijkl/1';

describe('isInstanceRule', () => {
  it('knows the rule by its target group, in either forward form', () => {
    expect(isInstanceRule({ Actions: [{ Type: 'forward', TargetGroupArn: tg }] }, 'abcdefghijkl', tg)).toBe(
      true,
    );
    expect(
      isInstanceRule(
        { Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }] } }] },
        'abcdefghijkl',
        tg,
      ),
    ).toBe(true);
  });

  it('knows the rule by its path when the target group is unknown (a crashed create)', () => {
    const rule = {
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/abcdefghijkl', '/abcdefghijkl/*'] } },
      ],
    };
    expect(isInstanceRule(rule, 'abcdefghijkl', null)).toBe(true);
    expect(
      isInstanceRule(
        { Conditions: [{ Field: 'path-pattern', Values: ['/abcdefghijkl/*'] }] },
        'abcdefghijkl',
        null,
      ),
    ).toBe(true);
  });

  it('ignores the default rule and other instances', () => {
    expect(
      isInstanceRule(
        { IsDefault: true, Actions: [{ Type: 'forward', TargetGroupArn: tg }] },
        'abcdefghijkl',
        tg,
      ),
    ).toBe(false);
    const other = { Conditions: [{ Field: 'path-pattern', Values: ['/zzzzzzzzzzzz/*'] }] };
    expect(isInstanceRule(other, 'abcdefghijkl', tg)).toBe(false);
  });
});
