import { ECSServiceException, InvalidParameterException } from '@aws-sdk/client-ecs';
import {
  PriorityInUseException,
  TooManyUniqueTargetGroupsPerLoadBalancerException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { type AwsErrorAction, classifyAwsError, type OperationKind } from './classify-aws-error.js';

/** An error as the SDK builds it from a wire response. */
function awsError(name: string, status: number, message = `${name} happened`, extra: object = {}) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });
}

/** The SDK's error for a body it could not parse: the parser's SyntaxError, the body kept on $response. */
function unparsed(status: number, body: string) {
  const error = new SyntaxError(
    `Unexpected token '<', "${body.slice(0, 10)}"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`,
  );
  Object.defineProperty(error, '$response', { value: { statusCode: status, body }, enumerable: false });
  return Object.assign(error, { $metadata: { httpStatusCode: status } });
}

const table: [string, unknown, OperationKind, AwsErrorAction][] = [
  // Throttling, in every spelling the services use, on every kind of call.
  ['ECS ThrottlingException', awsError('ThrottlingException', 400), 'create', 'retry'],
  ['ELB Throttling', awsError('Throttling', 400), 'read', 'retry'],
  // By the code alone (a message that says nothing of it, no $retryable, HTTP 400): the code table decides.
  [
    'ECS ThrottlingException, code alone',
    awsError('ThrottlingException', 400, 'Try again later'),
    'create',
    'retry',
  ],
  ['ELB Throttling, code alone', awsError('Throttling', 400, 'Try again later'), 'delete', 'retry'],
  [
    'TooManyRequestsException, code alone',
    awsError('TooManyRequestsException', 400, 'Try again later'),
    'read',
    'retry',
  ],
  ['S3-style SlowDown, code alone', awsError('SlowDown', 400, 'Try again later'), 'read', 'retry'],
  ['TooManyRequestsException', awsError('TooManyRequestsException', 429), 'delete', 'retry'],
  ['ClientException: Rate exceeded', awsError('ClientException', 400, 'Rate exceeded'), 'create', 'retry'],
  [
    'unknown code flagged throttling',
    awsError('Whatever', 400, 'x', { $retryable: { throttling: true } }),
    'read',
    'retry',
  ],
  ['bare 429', awsError('Unknown', 429), 'read', 'retry'],
  // EC2 throttles with RequestLimitExceeded over HTTP 503; the limit in its name is not a quota.
  [
    'EC2 RequestLimitExceeded (503) on read',
    awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'),
    'read',
    'retry',
  ],
  [
    'EC2 RequestLimitExceeded (503) on create',
    awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'),
    'create',
    'retry',
  ],
  [
    'EC2 RequestLimitExceeded (503) on delete',
    awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'),
    'delete',
    'retry',
  ],
  // Server faults.
  ['500 unknown code', awsError('InternalFailure', 500), 'create', 'retry'],
  ['503', awsError('ServiceUnavailable', 503), 'read', 'retry'],
  ['ECS ServerException', awsError('ServerException', 500), 'delete', 'retry'],
  ['Secrets InternalServiceError', awsError('InternalServiceError', 500), 'create', 'retry'],
  ['unmodelled 502', awsError('BadGateway', 502), 'create', 'retry'],
  // Network.
  [
    'connection refused',
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    'read',
    'retry',
  ],
  ['socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'create', 'retry'],
  ['SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'create', 'retry'],
  // Contention.
  ['PriorityInUse', awsError('PriorityInUse', 400), 'create', 'retry'],
  ['ResourceInUse on delete', awsError('ResourceInUse', 400), 'delete', 'retry'],
  ['PriorRequestNotComplete', awsError('PriorRequestNotComplete', 400), 'create', 'retry'],
  // Already there / already gone.
  ['ResourceExistsException on create', awsError('ResourceExistsException', 400), 'create', 'already-done'],
  ['DuplicateTargetGroupName on create', awsError('DuplicateTargetGroupName', 400), 'create', 'already-done'],
  ['ResourceNotFound on read', awsError('ResourceNotFoundException', 400), 'read', 'gone'],
  ['ResourceNotFound on delete', awsError('ResourceNotFoundException', 400), 'delete', 'gone'],
  ['TargetGroupNotFound right after a create', awsError('TargetGroupNotFound', 400), 'create', 'retry'],
  ['TargetGroupNotFound on read', awsError('TargetGroupNotFound', 400), 'read', 'gone'],
  ['RuleNotFound on delete', awsError('RuleNotFound', 400), 'delete', 'gone'],
  ['ServiceNotFoundException on delete', awsError('ServiceNotFoundException', 400), 'delete', 'gone'],
  ['ServiceNotActiveException on delete', awsError('ServiceNotActiveException', 400), 'delete', 'gone'],
  [
    'ECS: unknown task definition family',
    awsError('ClientException', 400, 'Unable to describe task definition.'),
    'read',
    'gone',
  ],
  ['ListenerNotFound on create', awsError('ListenerNotFound', 400), 'create', 'fatal'],
  ['ListenerNotFound on delete', awsError('ListenerNotFound', 400), 'delete', 'gone'],
  ['ClusterNotFoundException on create', awsError('ClusterNotFoundException', 400), 'create', 'fatal'],
  // Draining: wait a known time.
  [
    'service still draining',
    awsError('InvalidParameterException', 400, 'Unable to Start a service that is still Draining.'),
    'create',
    'retry-after',
  ],
  [
    'secret scheduled for deletion on create',
    awsError(
      'InvalidRequestException',
      400,
      'You cannot create a secret because it is scheduled for deletion.',
    ),
    'create',
    'retry-after',
  ],
  [
    'secret scheduled for deletion on delete',
    awsError('InvalidRequestException', 400, 'secret is already scheduled for deletion'),
    'delete',
    'gone',
  ],
  // Quotas and validation: fail now.
  ['TooManyRules', awsError('TooManyRules', 400), 'create', 'fatal'],
  ['TooManyTargetGroups', awsError('TooManyTargetGroups', 400), 'create', 'fatal'],
  ['ECS LimitExceededException', awsError('LimitExceededException', 400), 'create', 'fatal'],
  [
    'ALB target-group quota full on CreateRule',
    awsError(
      'TooManyUniqueTargetGroupsPerLoadBalancerException',
      400,
      "You've reached the limit on the number of unique target groups per load balancer",
    ),
    'create',
    'fatal',
  ],
  [
    'TooManyUniqueTargetGroupsPerLoadBalancer (bare) on read',
    awsError('TooManyUniqueTargetGroupsPerLoadBalancer', 400),
    'read',
    'fatal',
  ],
  ['ValidationError', awsError('ValidationError', 400), 'create', 'fatal'],
  ['InvalidParameterException', awsError('InvalidParameterException', 400, 'bad subnet'), 'create', 'fatal'],
  ['ClientException', awsError('ClientException', 400, 'Role is not valid'), 'create', 'fatal'],
  ['AccessDeniedException', awsError('AccessDeniedException', 403), 'read', 'fatal'],
  ['unknown 4xx', awsError('SomethingNew', 400), 'create', 'fatal'],
  ['ResourceExists on read', awsError('ResourceExistsException', 400), 'read', 'fatal'],
  // Answers the SDK could not parse (HTML or XML on a JSON protocol): the HTTP status decides.
  ['unparsed HTML 500', unparsed(500, '<html>Internal Server Error</html>'), 'create', 'retry'],
  ['unparsed HTML 502 on delete', unparsed(502, '<html>Bad Gateway</html>'), 'delete', 'retry'],
  ['unparsed 429', unparsed(429, '<html>Too Many Requests</html>'), 'read', 'retry'],
  ['unparsed XML 400', unparsed(400, '<?xml version="1.0"?><ErrorResponse/>'), 'delete', 'fatal'],
  ['unparsed XML 403', unparsed(403, '<?xml version="1.0"?><Error/>'), 'read', 'fatal'],
  // An operation this implementation does not have: nothing another attempt changes.
  ['UnknownOperationException', awsError('UnknownOperationException', 400), 'delete', 'fatal'],
  ['InvalidAction (query protocols)', awsError('InvalidAction', 400), 'delete', 'fatal'],
  ['a plain bug', new TypeError('x is not a function'), 'create', 'fatal'],
  ['not an error at all', 'boom', 'create', 'fatal'],
];

describe('classifyAwsError', () => {
  it.each(table)('%s (%s) on %s -> %s', (_label, error, kind, action) => {
    expect(classifyAwsError(error, kind).action).toBe(action);
  });

  it('reads the SDK exception classes by name and strips the Exception suffix from the code', () => {
    const priority = new PriorityInUseException({ message: 'Priority 1003 is in use', $metadata: {} });
    expect(classifyAwsError(priority, 'create')).toEqual({
      action: 'retry',
      code: 'PriorityInUse',
      message: 'Priority 1003 is in use',
    });
    const invalid = new InvalidParameterException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
    expect(classifyAwsError(invalid, 'create')).toMatchObject({ action: 'fatal', code: 'InvalidParameter' });
    const throttled = new ECSServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyAwsError(throttled, 'read')).toMatchObject({ action: 'retry', code: 'Throttling' });
  });

  it('names an exhausted quota as such, code and all', () => {
    const full = new TooManyUniqueTargetGroupsPerLoadBalancerException({
      message: "You've reached the limit on the number of unique target groups per load balancer",
      $metadata: { httpStatusCode: 400 },
    });
    const verdict = classifyAwsError(full, 'create');
    expect(verdict).toMatchObject({ action: 'fatal', code: 'TooManyUniqueTargetGroupsPerLoadBalancer' });
    expect(verdict.message).toMatch(/^AWS quota exhausted \(TooManyUniqueTargetGroupsPerLoadBalancer\)/);
    expect(verdict.message).toContain('unique target groups per load balancer');
  });

  it('reads EC2 RequestLimitExceeded (HTTP 503) as throttling, not as a quota or a server fault', () => {
    const throttled = awsError('RequestLimitExceeded', 503, 'Request limit exceeded.', { $fault: 'client' });
    expect(classifyAwsError(throttled, 'read')).toEqual({
      action: 'retry',
      code: 'RequestLimitExceeded',
      message: 'Request limit exceeded.',
    });
  });

  it('tells an unparsed 4xx by status, operation and body, never as a bare SyntaxError', () => {
    const body = `<?xml version="1.0"?><ErrorResponse><Error><Code>Nope</Code></Error>${'x'.repeat(400)}`;
    const verdict = classifyAwsError(unparsed(400, body), 'create', 'CreateService');
    expect(verdict).toEqual({
      action: 'fatal',
      code: 'UnparseableAnswer',
      message: `CreateService answered HTTP 400 with a body that does not parse: ${body.slice(0, 200)}`,
    });
  });

  it('gives retry-after a delay and keeps long messages short', () => {
    const draining = classifyAwsError(
      awsError('InvalidParameterException', 400, 'Unable to Start a service that is still Draining.'),
      'create',
    );
    expect(draining.action === 'retry-after' && draining.afterMs).toBeGreaterThan(0);
    expect(
      classifyAwsError(awsError('ValidationError', 400, 'x'.repeat(1000)), 'create').message.length,
    ).toBeLessThan(310);
  });
});

/**
 * Pinned by mutation testing (docs/mutation-report.md): how a code is read off an error, which fallbacks
 * decide when no code is known, and what an unparseable answer's reason says.
 */
describe('classifyAwsError: codes, fallbacks and reasons', () => {
  const bare = (fields: object, message = 'x') => Object.assign(new Error(message), fields);

  it('reads the code from a shape id, keeps a bare Exception, and says Unknown when there is none', () => {
    const shaped = awsError('com.amazonaws.ecs#ThrottlingException', 400, 'Try again later');
    expect(classifyAwsError(shaped, 'read')).toMatchObject({ action: 'retry', code: 'Throttling' });
    expect(classifyAwsError(awsError('Exception', 400), 'read')).toMatchObject({ code: 'Exception' });
    expect(classifyAwsError({ $metadata: { httpStatusCode: 400 } }, 'read')).toMatchObject({
      action: 'fatal',
      code: 'Unknown',
    });
  });

  it("takes a `code` field only when it is a Node system error's (ECONNRESET), else the name", () => {
    for (const code of ['SdkCode', 'xETIMEDOUT', 'ETIMEDOUTx']) {
      const error = bare({ name: 'PriorityInUseException', code }, 'Priority 7 is in use');
      expect(classifyAwsError(error, 'create'), code).toMatchObject({
        action: 'retry',
        code: 'PriorityInUse',
      });
    }
    const reset = bare({ name: 'Error', code: 'ECONNRESET' }, 'socket hang up');
    expect(classifyAwsError(reset, 'read')).toMatchObject({ action: 'retry', code: 'ECONNRESET' });
  });

  it('lets a message refine only the codes it is meant to', () => {
    // A validation error that mentions throttling is still the caller's mistake.
    const validation = awsError('ValidationError', 400, 'Invalid value for throttling rate');
    expect(classifyAwsError(validation, 'create').action).toBe('fatal');
    // "does not exist" makes ECS's catch-all ClientException a not-found, not any code that says it.
    const invalid = awsError('InvalidParameterException', 400, 'The target group does not exist');
    expect(classifyAwsError(invalid, 'create').action).toBe('fatal');
  });

  it('falls back on HTTP 500 and up, $fault server and $retryable when the code is unknown', () => {
    expect(classifyAwsError(awsError('Whatever', 500), 'create').action).toBe('retry');
    expect(classifyAwsError(bare({ name: 'Whatever', $fault: 'server' }), 'create').action).toBe('retry');
    expect(classifyAwsError(bare({ name: 'Whatever', $retryable: {} }), 'create').action).toBe('retry');
    expect(classifyAwsError(bare({ name: 'Whatever' }), 'create').action).toBe('fatal');
  });

  it('shortens a long message to 300 characters and leaves one of 300 as it is', () => {
    const exact = 'm'.repeat(300);
    expect(classifyAwsError(awsError('Whatever', 400, exact), 'read').message).toBe(exact);
    const long = classifyAwsError(awsError('Whatever', 400, `${exact}tail`), 'read').message;
    expect(long).toBe(`${exact}...`);
  });

  it('treats a SyntaxError as an unparseable answer only when an HTTP status came with it', () => {
    const noStatus = classifyAwsError(new SyntaxError('Unexpected token'), 'read');
    expect(noStatus).toMatchObject({ action: 'fatal', code: 'SyntaxError' });
    const noHint = Object.assign(new SyntaxError('Unexpected token <'), {
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyAwsError(noHint, 'read')).toMatchObject({ action: 'fatal', code: 'UnparseableAnswer' });
  });

  it("quotes an unparseable body on one line, from the message when the SDK kept no body, and retries a proxy's 2xx", () => {
    const spaced = classifyAwsError(unparsed(500, '  <html>\n\n  <body>Bad</body>  '), 'create');
    expect(spaced.message).toBe(
      'the call answered HTTP 500 with a body that does not parse: <html> <body>Bad</body>',
    );
    const kept = Object.assign(new SyntaxError('Deserialization error: <html>gone</html>\nmore'), {
      $metadata: { httpStatusCode: 502 },
    });
    expect(classifyAwsError(kept, 'delete', 'DeleteRule')).toMatchObject({
      action: 'retry',
      message:
        'DeleteRule answered HTTP 502 with a body that does not parse: Deserialization error: <html>gone</html>',
    });
    expect(classifyAwsError(unparsed(200, '<html>ok</html>'), 'read').action).toBe('retry');
  });
});
