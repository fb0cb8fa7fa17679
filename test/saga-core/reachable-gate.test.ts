import { DeleteRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { failsForGood, jobRun, useSagaWorld } from './saga-bench.js';

/**
 * The reachable gate when the instance URL does not answer 2xx: it waits (a delayed job) with what it
 * heard, and past REACHABLE_DEADLINE_MS fails naming the last answer: a token the gateway refuses, or a
 * URL that does not answer.
 */
describe('reachable step: the gate that does not open', () => {
  const w = useSagaWorld();

  /** Create attempts until the gate has looked once (its first look happens inside the hook's scene). */
  async function atGate(id: string, run = jobRun()) {
    let outcome = await w.create(id, run);
    while (outcome.kind === 'wait' && (await w.store.get(id))!.currentStep !== 'reachable')
      outcome = await w.create(id, run);
    return outcome;
  }

  it('a rule removed before the gate looks: 404 is waited out, then the URL is called unreachable', async () => {
    const { id } = await w.submit();
    // Just before the gate reads the token (its first look), the instance's rule goes.
    w.before.set('GetSecretValue', async () => {
      const ruleArn = (await w.store.get(id))!.steps['listener-rule'].output!.ruleArn;
      await w.ctx.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    });
    const run = jobRun();
    expect(await atGate(id, run)).toEqual({ kind: 'wait', afterMs: w.config.PLACEMENT_POLL_MS });
    const record = (await w.store.get(id))!;
    const url = `${record.url}health`;
    expect(record.steps.reachable).toMatchObject({
      state: 'waiting',
      output: { state: 'answered HTTP 404' },
    });
    expect(run.notes.at(-1)).toBe(`waiting: ${url} answered HTTP 404`);
    w.clock.offsetMs = w.config.REACHABLE_DEADLINE_MS + 1_000;
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('reachable', 'GatewayUnreachable'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'reachable',
      code: 'GatewayUnreachable',
      message: expect.stringMatching(
        new RegExp(
          `^${url.replace(/[.]/g, '\\.')} did not answer 2xx within 2\\d s \\(last answer HTTP 404\\)$`,
        ),
      ),
    });
  });

  it('a token the gateway does not hold: 401 is waited out, then the token is called refused', async () => {
    const { id } = await w.submit();
    // The secret changes under the running gateway: the gate reads a token the gateway never started with.
    w.before.set('GetSecretValue', async () => {
      await w.ctx.aws.secrets.send(
        new PutSecretValueCommand({
          SecretId: `openclaw/instances/${id}`,
          SecretString: JSON.stringify({ ANTHROPIC_API_KEY: 'k', OPENCLAW_GATEWAY_TOKEN: 'not-the-one' }),
        }),
      );
    });
    const run = jobRun();
    expect((await atGate(id, run)).kind).toBe('wait');
    expect((await w.store.get(id))!.steps.reachable.output).toEqual({ state: 'answered HTTP 401' });
    w.clock.offsetMs = w.config.REACHABLE_DEADLINE_MS + 1_000;
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('reachable', 'GatewayRefusedToken'));
  });
});
