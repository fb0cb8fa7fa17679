import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AwsErrorAction,
  classifyAwsError,
  type OperationKind,
} from '../../shared/errors/classify-aws-error.js';

/**
 * The classifier over every AWS error code it documents (worker/ARCHITECTURE.md, "Errors: one classifier"),
 * in every spelling the SDKs use (bare, `…Exception`, a shape id `com.amazonaws.<service>#…`), with any
 * message, HTTP status and `$retryable` an answer may carry: the verdict is always one the table allows
 * for that kind, and a throttle is always retried.
 */
const THROTTLING = ['Throttling', 'TooManyRequests', 'RequestLimitExceeded', 'SlowDown'];
const TRANSIENT = [
  'ServiceUnavailable',
  'Server',
  'InternalServiceError',
  'InternalFailure',
  'InternalError',
  'ExpiredToken',
  'RequestExpired',
  'TimeoutError',
  'RequestTimeout',
  'PriorRequestNotComplete',
  'UpdateInProgress',
  'Conflict',
  'ResourceInUse',
  'PriorityInUse',
];
const NETWORK = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'];
const EXISTS = ['ResourceExists', 'DuplicateTargetGroupName'];
const NOT_FOUND = [
  'ResourceNotFound',
  'TargetGroupNotFound',
  'RuleNotFound',
  'ServiceNotFound',
  'ServiceNotActive',
  'TaskSetNotFound',
  'TargetNotFound',
];
const CONFIG_MISSING = ['ListenerNotFound', 'LoadBalancerNotFound', 'ClusterNotFound', 'SubnetNotFound'];
const FATAL = [
  'TooManyRules',
  'TooManyTargetGroups',
  'TooManyActions',
  'TooManyTargets',
  'TooManyTags',
  'TooManyRegistrationsForTargetId',
  'TooManyUniqueTargetGroupsPerLoadBalancer',
  'TargetGroupAssociationLimit',
  'LimitExceeded',
  'AttributeLimitExceeded',
  'ValidationError',
  'Validation',
  'InvalidParameter',
  'InvalidParameterValue',
  'InvalidRequest',
  'InvalidConfigurationRequest',
  'IncompatibleProtocols',
  'InvalidTarget',
  'InvalidLoadBalancerAction',
  'InvalidSecurityGroup',
  'InvalidSubnet',
  'UnsupportedProtocol',
  'OperationNotPermitted',
  'MalformedPolicyDocument',
  'PreconditionNotMet',
  'DecryptionFailure',
  'EncryptionFailure',
  'Client',
  'PlatformUnknown',
  'PlatformTaskDefinitionIncompatibility',
  'UnsupportedFeature',
  'Serialization',
  'AccessDenied',
  'UnrecognizedClient',
  'InvalidClientTokenId',
  'InvalidSignature',
  'MissingAuthenticationToken',
  'Blocked',
  'UnknownOperation',
  'InvalidAction',
];

/** What each kind of operation may be told, whatever the error (the table's columns). */
const ALLOWED: Record<OperationKind, readonly AwsErrorAction[]> = {
  create: ['retry', 'retry-after', 'already-done', 'fatal'],
  read: ['retry', 'retry-after', 'gone', 'fatal'],
  delete: ['retry', 'gone', 'fatal'],
};

/** The verdict of each code family by kind, when the message says nothing that refines it. */
const EXPECTED: [readonly string[], Record<OperationKind, AwsErrorAction>][] = [
  [THROTTLING, { create: 'retry', read: 'retry', delete: 'retry' }],
  [TRANSIENT, { create: 'retry', read: 'retry', delete: 'retry' }],
  [NETWORK, { create: 'retry', read: 'retry', delete: 'retry' }],
  [EXISTS, { create: 'already-done', read: 'fatal', delete: 'fatal' }],
  [NOT_FOUND, { create: 'retry', read: 'gone', delete: 'gone' }],
  [CONFIG_MISSING, { create: 'fatal', read: 'fatal', delete: 'gone' }],
  [FATAL, { create: 'fatal', read: 'fatal', delete: 'fatal' }],
];
const ALL_CODES = EXPECTED.flatMap(([codes]) => codes);

const kind = fc.constantFrom<OperationKind>('create', 'read', 'delete');
/** A code as the SDK spells it: bare, as an SDK class, or as a shape id. */
const spelled = (code: string) =>
  fc
    .constantFrom('', 'Exception', 'shape')
    .chain((form) =>
      form === 'shape'
        ? fc
            .constantFrom('ecs', 'elasticloadbalancing', 'secretsmanager')
            .map((s) => `com.amazonaws.${s}#${code}Exception`)
        : fc.constant(`${code}${form}`),
    );
/** A message with none of the words that refine a verdict. */
const plainMessage = fc
  .string({ maxLength: 40 })
  .filter((m) => !/rate|throttl|drain|delet|found|exist/i.test(m));
const status = fc.option(fc.constantFrom(400, 403, 404, 409, 429, 500, 503), { nil: undefined });
const retryable = fc.option(fc.record({ throttling: fc.boolean() }), { nil: undefined });

function awsError(
  name: string,
  message: string,
  httpStatusCode?: number,
  $retryable?: { throttling: boolean },
) {
  const error = Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
  return $retryable ? Object.assign(error, { $retryable }) : error;
}

describe('classifier over every documented code', () => {
  it('answers each code by its row of the table, in every spelling, whatever the status', () => {
    const row = fc.constantFrom(
      ...EXPECTED.flatMap(([codes, verdicts]) => codes.map((code) => ({ code, verdicts }))),
    );
    fc.assert(
      fc.property(
        row.chain((r) => fc.tuple(fc.constant(r), spelled(r.code))),
        kind,
        plainMessage,
        status,
        ([{ code, verdicts }, name], k, message, httpStatus) => {
          const verdict = classifyAwsError(awsError(name, message, httpStatus), k);
          expect(verdict.action).toBe(verdicts[k]);
          expect(verdict.code).toBe(code);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('a verdict is always one the kind allows, for any code, message, status and $retryable', () => {
    const anyCode = fc.oneof(fc.constantFrom(...ALL_CODES), fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/));
    fc.assert(
      fc.property(
        anyCode,
        kind,
        fc.string({ maxLength: 60 }),
        status,
        retryable,
        (code, k, message, s, r) => {
          const verdict = classifyAwsError(awsError(code, message, s, r), k);
          expect(ALLOWED[k]).toContain(verdict.action);
          if (verdict.action === 'retry-after') expect(verdict.afterMs).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('a throttle is always retried: by code, by HTTP 429, or by "Rate exceeded" on any code', () => {
    const throttle = fc.oneof(
      fc
        .constantFrom(...THROTTLING)
        .chain(spelled)
        .map((name) => ({ name, message: 'slow down', status: 400 })),
      fc
        .constantFrom(...ALL_CODES, 'Unknown')
        .map((name) => ({ name, message: 'Rate exceeded', status: 400 })),
      fc
        .stringMatching(/^[A-Z][A-Za-z]{0,20}$/)
        .filter((name) => !ALL_CODES.includes(name.replace(/Exception$/, '')))
        .map((name) => ({ name, message: '', status: 429 })),
    );
    fc.assert(
      fc.property(throttle, kind, ({ name, message, status: s }, k) => {
        // ValidationError that mentions a rate is a bad parameter, not a throttle (the classifier's one exception).
        fc.pre(!(name.startsWith('ValidationError') && message === 'Rate exceeded'));
        expect(classifyAwsError(awsError(name, message, s), k).action).toBe('retry');
      }),
      { numRuns: 2_000 },
    );
  });
});
