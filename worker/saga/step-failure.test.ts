import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { awsCall } from '../aws/aws-call.js';
import { fatal, retryAfter, retryable } from '../errors/classified-error.js';
import { judgeStepError } from './step-failure.js';

const mid = { isLastAttempt: false, waitsLeft: true };
const last = { isLastAttempt: true, waitsLeft: true };

describe('judgeStepError', () => {
  it('retries transient errors until the last attempt, then fails for good', () => {
    const error = retryable('Throttling', 'CreateRule: Rate exceeded');
    expect(judgeStepError(error, mid)).toMatchObject({ action: 'retry', code: 'Throttling' });
    expect(judgeStepError(error, last)).toMatchObject({ action: 'fatal', code: 'Throttling' });
  });

  it('fails at once on fatal errors, BullMQ unrecoverable ones and plain bugs', () => {
    expect(judgeStepError(fatal('TooManyRules', 'quota'), mid).action).toBe('fatal');
    expect(judgeStepError(new UnrecoverableError('no'), mid).action).toBe('fatal');
    expect(judgeStepError(new TypeError('x is undefined'), mid).action).toBe('fatal');
  });

  it('recognises errors by name, as they arrive from another realm', () => {
    const foreign = Object.assign(new Error('quota'), {
      name: 'ClassifiedError',
      verdict: { action: 'fatal', code: 'TooManyRules', message: 'quota' },
    });
    expect(judgeStepError(foreign, mid)).toMatchObject({ action: 'fatal', code: 'TooManyRules' });
  });

  it('waits on retry-after while free waits are left, then treats it as a retry', () => {
    const draining = retryAfter('ServiceDraining', 'draining', 5000);
    expect(judgeStepError(draining, mid)).toMatchObject({ action: 'retry-after', afterMs: 5000 });
    expect(judgeStepError(draining, { isLastAttempt: false, waitsLeft: false }).action).toBe('retry');
    expect(judgeStepError(draining, { isLastAttempt: true, waitsLeft: false }).action).toBe('fatal');
  });

  it('classifies raw SDK and non-AWS errors', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(judgeStepError(throttled, mid).action).toBe('retry');
    const invalid = Object.assign(new Error('bad'), {
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
    expect(judgeStepError(invalid, mid).action).toBe('fatal');
    expect(judgeStepError(new Error('Connection is closed.'), mid)).toMatchObject({
      action: 'retry',
      code: 'Internal',
    });
  });

  it('takes the verdict awsCall decided where the call failed, naming the call', async () => {
    const taken = Object.assign(new Error('Priority 1003 is in use'), {
      name: 'PriorityInUseException',
      $metadata: { httpStatusCode: 400 },
    });
    const thrown = await awsCall('create', 'CreateRule', () => Promise.reject(taken)).catch((e) => e);
    expect(judgeStepError(thrown, mid)).toEqual({
      action: 'retry',
      code: 'PriorityInUse',
      message: 'CreateRule: Priority 1003 is in use',
    });
    const draining = Object.assign(new Error('Unable to Start a service that is still Draining.'), {
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
    const waited = await awsCall('create', 'CreateService', () => Promise.reject(draining), {
      waitMs: 50,
    }).catch((e) => e);
    expect(judgeStepError(waited, mid)).toMatchObject({ action: 'retry-after', afterMs: 50 });
  });
});
