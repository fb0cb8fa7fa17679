import { describe, expect, it } from 'vitest';
import { judgeStepError, sagaFailed } from './step-failure.js';

const last = { isLastAttempt: true, waitsLeft: true };
const early = { isLastAttempt: false, waitsLeft: true };
const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: 400 }, ...extra });

/**
 * Errors that reach a step's verdict without going through awsCall: an SDK error (by its `$metadata`), a
 * Node network error (by its `E…` code), an SDK timeout (by its name), and anything else, which is not
 * AWS's and is retried as internal.
 */
describe('judgeStepError on errors not classified on the way', () => {
  it('classifies an SDK error itself, once, for a create', () => {
    expect(judgeStepError(sdkError('ThrottlingException'), early)).toMatchObject({
      action: 'retry',
      code: 'Throttling',
    });
    expect(judgeStepError(sdkError('ValidationError'), early)).toMatchObject({
      action: 'fatal',
      code: 'ValidationError',
    });
    // "Already exists" or "gone" mean nothing without the step's own handling: fatal, not done.
    expect(judgeStepError(sdkError('ResourceExistsException'), early)).toMatchObject({
      action: 'fatal',
      code: 'ResourceExists',
    });
    expect(judgeStepError(sdkError('ListenerNotFoundException'), early)).toMatchObject({ action: 'fatal' });
    expect(judgeStepError(sdkError('ServiceNotFoundException'), early)).toMatchObject({
      action: 'retry',
      code: 'ServiceNotFound',
    });
  });

  it('knows a network error by its code, and an SDK timeout by its name', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(judgeStepError(reset, early)).toMatchObject({ action: 'retry', code: 'ECONNRESET' });
    expect(judgeStepError(reset, last)).toMatchObject({ action: 'fatal', code: 'ECONNRESET' });
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(judgeStepError(timeout, early)).toMatchObject({ action: 'retry', code: 'TimeoutError' });
    // A lower-case or non-string code is not a Node network error: internal.
    const odd = Object.assign(new Error('odd'), { code: 'econnreset' });
    expect(judgeStepError(odd, early)).toEqual({ action: 'retry', code: 'Internal', message: 'odd' });
    expect(judgeStepError(Object.assign(new Error('n'), { code: 42 }), early)).toEqual({
      action: 'retry',
      code: 'Internal',
      message: 'n',
    });
  });

  it('retries anything else as internal, whatever was thrown', () => {
    expect(judgeStepError('a string', early)).toEqual({
      action: 'retry',
      code: 'Internal',
      message: 'a string',
    });
    expect(judgeStepError(null, early)).toEqual({ action: 'retry', code: 'Internal', message: 'null' });
    expect(judgeStepError(new Error('redis went away'), last)).toEqual({
      action: 'fatal',
      code: 'Internal',
      message: 'redis went away',
    });
  });

  it('ends the job with the step, code and reason, keeping the cause', () => {
    const cause = new Error('root');
    const error = sagaFailed('service', { action: 'fatal', code: 'X', message: 'why' }, cause);
    expect(error.name).toBe('UnrecoverableError');
    expect(error.message).toBe('service: X: why');
    expect(error.cause).toBe(cause);
  });
});
