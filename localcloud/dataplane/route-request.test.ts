import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseGroup, type RuleLike, routeRequest } from './route-request.js';

const NOT_FOUND = [
  {
    Type: 'fixed-response',
    Order: 1,
    FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' },
  },
];

/** The worker's rule for one instance: `/<id>` and `/<id>/*` forward to the instance's group. */
const instanceRule = (id: string, priority: number, legacyValues = false): RuleLike => ({
  priority,
  conditions: [
    legacyValues
      ? { Field: 'path-pattern', Values: [`/${id}`, `/${id}/*`] }
      : { Field: 'path-pattern', PathPatternConfig: { Values: [`/${id}`, `/${id}/*`] } },
  ],
  actions: [{ Type: 'forward', Order: 1, TargetGroupArn: `tg-${id}` }],
});

const groupOf = (rules: RuleLike[], path: string): string | undefined => {
  const action = routeRequest(rules, NOT_FOUND, { path });
  return action.type === 'forward' ? action.targetGroups[0]?.arn : undefined;
};

describe('routeRequest', () => {
  it('takes the lowest priority that matches, whatever order the rules come in', () => {
    const rules: RuleLike[] = [
      {
        priority: 20,
        conditions: [{ Field: 'path-pattern', Values: ['/a/*'] }],
        actions: [{ Type: 'forward', TargetGroupArn: 'wide' }],
      },
      {
        priority: 10,
        conditions: [{ Field: 'path-pattern', Values: ['/a/b*'] }],
        actions: [{ Type: 'forward', TargetGroupArn: 'narrow' }],
      },
    ];
    expect(groupOf(rules, '/a/bc')).toBe('narrow');
    expect(groupOf(rules, '/a/c')).toBe('wide');
  });

  it('falls back to the default action (fixed 404) when no rule matches', () => {
    expect(routeRequest([instanceRule('abc', 1)], NOT_FOUND, { path: '/abd/' })).toEqual({
      type: 'fixed-response',
      statusCode: 404,
      contentType: 'text/plain',
      body: 'Not found',
    });
  });

  it('requires every condition of a rule, and never matches a condition type it does not evaluate', () => {
    const both: RuleLike = {
      priority: 1,
      conditions: [
        { Field: 'path-pattern', Values: ['/a/*'] },
        { Field: 'path-pattern', Values: ['*/b'] },
      ],
      actions: [{ Type: 'forward', TargetGroupArn: 'g' }],
    };
    expect(groupOf([both], '/a/b')).toBe('g');
    expect(groupOf([both], '/a/c')).toBeUndefined();
    const host: RuleLike = {
      ...both,
      conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['*'] } }],
    };
    expect(groupOf([host], '/a/b')).toBeUndefined();
  });

  it('reads ForwardConfig target groups with weights, and the last (terminal) action', () => {
    const rule: RuleLike = {
      priority: 1,
      conditions: [{ Field: 'path-pattern', Values: ['*'] }],
      actions: [
        {
          Type: 'forward',
          Order: 2,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'x', Weight: '3' },
              { TargetGroupArn: 'y', Weight: 1 },
            ],
          },
        },
      ],
    };
    const action = routeRequest([rule], NOT_FOUND, { path: '/' });
    expect(action).toEqual({
      type: 'forward',
      targetGroups: [
        { arn: 'x', weight: 3 },
        { arn: 'y', weight: 1 },
      ],
    });
    if (action.type !== 'forward') return;
    expect(chooseGroup(action.targetGroups, 0.5)).toBe('x');
    expect(chooseGroup(action.targetGroups, 0.8)).toBe('y');
  });

  it('with 100 instances on one listener, every path reaches its own instance group (property)', () => {
    const id = fc.stringMatching(/^[0-9a-z]{12}$/);
    const suffix = fc.oneof(
      fc.constant(''),
      fc.constant('/'),
      fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { minLength: 100, maxLength: 100 }),
        fc.nat(99),
        suffix,
        fc.boolean(),
        (ids, pick, rest, legacy) => {
          const rules = ids.map((x, i) => instanceRule(x, i + 1, legacy));
          const own = ids[pick] as string;
          expect(groupOf(rules, `/${own}${rest}`)).toBe(`tg-${own}`);
          // A path that only extends an id without a slash belongs to no instance.
          expect(groupOf(rules, `/${own}x${rest}`)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
