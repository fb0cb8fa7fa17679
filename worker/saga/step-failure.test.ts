import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FatalError } from '../../shared/errors/fatal-error.js';
import { RetryAfterError } from '../../shared/errors/retry-after-error.js';
import { RetryableError } from '../../shared/errors/retryable-error.js';
import { judgeStepError } from './step-failure.js';

const mid = { isLastAttempt: false, waitsLeft: true };
const last = { isLastAttempt: true, waitsLeft: true };

describe('judgeStepError', () => {
  it('retries transient errors until the last attempt, then fails for good', () => {
    const error = new RetryableError('Throttling', 'CreateRule: Rate exceeded');
    expect(judgeStepError(error, mid)).toMatchObject({ kind: 'retry', code: 'Throttling' });
    expect(judgeStepError(error, last)).toMatchObject({ kind: 'final', code: 'Throttling' });
  });

  it('fails at once on fatal errors, BullMQ unrecoverable ones and plain bugs', () => {
    expect(judgeStepError(new FatalError('TooManyRules', 'quota'), mid).kind).toBe('final');
    expect(judgeStepError(new UnrecoverableError('no'), mid).kind).toBe('final');
    expect(judgeStepError(new TypeError('x is undefined'), mid).kind).toBe('final');
  });

  it('recognises errors by name, as they arrive from another realm', () => {
    const foreign = Object.assign(new Error('quota'), { name: 'FatalError', code: 'TooManyRules' });
    expect(judgeStepError(foreign, mid)).toMatchObject({ kind: 'final', code: 'TooManyRules' });
  });

  it('waits on retry-after while free waits are left, then treats it as a retry', () => {
    const draining = new RetryAfterError('ServiceDraining', 'draining', 5000);
    expect(judgeStepError(draining, mid)).toMatchObject({ kind: 'retry-after', afterMs: 5000 });
    expect(judgeStepError(draining, { isLastAttempt: false, waitsLeft: false }).kind).toBe('retry');
    expect(judgeStepError(draining, { isLastAttempt: true, waitsLeft: false }).kind).toBe('final');
  });

  it('classifies raw SDK and non-AWS errors', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(judgeStepError(throttled, mid).kind).toBe('retry');
    const invalid = Object.assign(new Error('bad'), {
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
    expect(judgeStepError(invalid, mid).kind).toBe('final');
    expect(judgeStepError(new Error('Connection is closed.'), mid)).toMatchObject({
      kind: 'retry',
      code: 'Internal',
    });
  });
});
