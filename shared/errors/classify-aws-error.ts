import { assertNever } from './assert-never.js';

/**
 * The one place that decides what an AWS error means for a step. Pure: the same error and operation
 * kind always give the same answer, so it is tested from a table.
 *
 * - operation kind: what the call was for. `create` makes a resource (or references one just made);
 *   `read` looks one up; `delete` removes one.
 * - action: what the caller does next.
 *   `retry`: transient; spend an attempt, back off exponentially with jitter.
 *   `retry-after`: an expected wait of known length (something draining); delay without spending one.
 *   `fatal`: another attempt cannot help (validation, quota, permissions); fail the instance now.
 *   `already-done`: a create found its resource already there; look it up, the step is done.
 *   `gone`: the resource does not exist; a read creates it, a delete is done.
 */
export type OperationKind = 'create' | 'read' | 'delete';
export type AwsErrorAction = 'retry' | 'retry-after' | 'fatal' | 'already-done' | 'gone';

/**
 * The verdict on an error: the one vocabulary for failures, from the classifier through the thrown error
 * (worker/errors/classified-error.ts) to the saga's decision. `A` narrows it to some actions.
 */
export type ErrorVerdict<A extends AwsErrorAction = AwsErrorAction> = A extends 'retry-after'
  ? { action: A; code: string; message: string; afterMs: number }
  : {
      action: A;
      /** The AWS error code as the service named it (e.g. `PriorityInUse`), for records and logs. */
      code: string;
      message: string;
    };

/** How long to wait for something draining (a service, a secret scheduled for deletion). */
export const DRAINING_WAIT_MS = 5_000;

type Family =
  | 'throttled'
  | 'server'
  | 'network'
  | 'busy'
  | 'in-use'
  | 'priority-in-use'
  | 'draining'
  | 'exists'
  | 'not-found'
  | 'config-missing'
  | 'quota'
  | 'invalid'
  | 'denied'
  | 'unsupported'
  | 'unknown';

/** Codes by family. Names arrive both bare (`PriorityInUse`) and as SDK classes (`PriorityInUseException`). */
const families: Record<string, Family> = {
  Throttling: 'throttled',
  TooManyRequests: 'throttled',
  // EC2 throttles with RequestLimitExceeded over HTTP 503 (not 429, not ThrottlingException).
  RequestLimitExceeded: 'throttled',
  SlowDown: 'throttled',
  ServiceUnavailable: 'server',
  Server: 'server',
  InternalServiceError: 'server',
  InternalFailure: 'server',
  InternalError: 'server',
  ExpiredToken: 'server',
  RequestExpired: 'server',
  TimeoutError: 'network',
  RequestTimeout: 'network',
  ECONNRESET: 'network',
  ECONNREFUSED: 'network',
  ETIMEDOUT: 'network',
  EPIPE: 'network',
  ENOTFOUND: 'network',
  EAI_AGAIN: 'network',
  PriorRequestNotComplete: 'busy',
  UpdateInProgress: 'busy',
  Conflict: 'busy',
  ResourceInUse: 'in-use',
  PriorityInUse: 'priority-in-use',
  ResourceExists: 'exists',
  DuplicateTargetGroupName: 'exists',
  ResourceNotFound: 'not-found',
  TargetGroupNotFound: 'not-found',
  RuleNotFound: 'not-found',
  ServiceNotFound: 'not-found',
  ServiceNotActive: 'not-found',
  TaskSetNotFound: 'not-found',
  TargetNotFound: 'not-found',
  ListenerNotFound: 'config-missing',
  LoadBalancerNotFound: 'config-missing',
  ClusterNotFound: 'config-missing',
  SubnetNotFound: 'config-missing',
  TooManyRules: 'quota',
  TooManyTargetGroups: 'quota',
  TooManyActions: 'quota',
  TooManyTargets: 'quota',
  TooManyTags: 'quota',
  TooManyRegistrationsForTargetId: 'quota',
  TooManyUniqueTargetGroupsPerLoadBalancer: 'quota',
  TargetGroupAssociationLimit: 'quota',
  LimitExceeded: 'quota',
  AttributeLimitExceeded: 'quota',
  ValidationError: 'invalid',
  Validation: 'invalid',
  InvalidParameter: 'invalid',
  InvalidParameterValue: 'invalid',
  InvalidRequest: 'invalid',
  InvalidConfigurationRequest: 'invalid',
  IncompatibleProtocols: 'invalid',
  InvalidTarget: 'invalid',
  InvalidLoadBalancerAction: 'invalid',
  InvalidSecurityGroup: 'invalid',
  InvalidSubnet: 'invalid',
  UnsupportedProtocol: 'invalid',
  OperationNotPermitted: 'invalid',
  MalformedPolicyDocument: 'invalid',
  PreconditionNotMet: 'invalid',
  DecryptionFailure: 'invalid',
  EncryptionFailure: 'invalid',
  Client: 'invalid',
  PlatformUnknown: 'invalid',
  PlatformTaskDefinitionIncompatibility: 'invalid',
  UnsupportedFeature: 'invalid',
  Serialization: 'invalid',
  AccessDenied: 'denied',
  UnrecognizedClient: 'denied',
  InvalidClientTokenId: 'denied',
  InvalidSignature: 'denied',
  MissingAuthenticationToken: 'denied',
  Blocked: 'denied',
  // What an implementation answers for an operation it does not have (JSON protocols, query protocols).
  UnknownOperation: 'unsupported',
  InvalidAction: 'unsupported',
};

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: { throttling?: boolean } | undefined;
  $metadata?: { httpStatusCode?: number } | undefined;
  $response?: { body?: unknown } | undefined;
  $responseBodyText?: unknown;
}

/** `com.amazonaws.ecs#ThrottlingException` and `ThrottlingException` both become `Throttling`. */
export function awsErrorCode(error: unknown): string {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const raw =
    typeof shape.code === 'string' && /^E[A-Z_]+$/.test(shape.code)
      ? shape.code
      : typeof shape.name === 'string'
        ? shape.name
        : 'Unknown';
  const bare = raw.includes('#') ? raw.slice(raw.lastIndexOf('#') + 1) : raw;
  return bare.endsWith('Exception') && bare !== 'Exception' ? bare.slice(0, -'Exception'.length) : bare;
}

function familyOf(error: ErrorShape, code: string, message: string): Family {
  // Messages refine codes the services overload: ECS answers many conditions with ClientException or
  // InvalidParameterException, Secrets Manager a pending deletion with InvalidRequestException.
  if (/rate exceeded|throttl/i.test(message) && code !== 'ValidationError') return 'throttled';
  if (/still draining|scheduled for deletion|marked for deletion/i.test(message)) return 'draining';
  if (code === 'Client' && /unable to describe task definition|does not exist|not found/i.test(message)) {
    return 'not-found';
  }
  const known = families[code];
  if (known) return known;
  if (error.$retryable?.throttling) return 'throttled';
  const status = error.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (typeof status === 'number' && status >= 500) return 'server';
  if (error.$fault === 'server') return 'server';
  if (error.$retryable) return 'server';
  if (typeof status === 'number' && status >= 400) return 'invalid';
  return 'unknown';
}

function actionFor(family: Family, kind: OperationKind): AwsErrorAction {
  switch (family) {
    case 'throttled':
    case 'server':
    case 'network':
    case 'busy':
    case 'in-use':
    case 'priority-in-use':
      return 'retry';
    case 'draining':
      return kind === 'delete' ? 'gone' : 'retry-after';
    case 'exists':
      return kind === 'create' ? 'already-done' : 'fatal';
    case 'not-found':
      // Right after a create, what it references may not be visible yet: eventual consistency.
      return kind === 'create' ? 'retry' : 'gone';
    case 'config-missing':
      // A configured listener or cluster that is missing is an operator error, except that whatever
      // lived on it is gone with it.
      return kind === 'delete' ? 'gone' : 'fatal';
    case 'quota':
    case 'invalid':
    case 'denied':
    case 'unsupported':
    case 'unknown':
      return 'fatal';
    default:
      return assertNever(family, 'error family');
  }
}

const MAX_MESSAGE = 300;
/** How much of an answer that does not parse goes into the reason. */
const MAX_BODY = 200;

/**
 * The SDK could not parse the answer (HTML from a proxy, XML on a JSON protocol): it throws the parser's
 * own error (`SyntaxError`) with the hint "Deserialization error" and the HTTP status in `$metadata`, and
 * keeps the response in the hidden `$response` (the body text in `$responseBodyText` when the SDK kept it,
 * else `$response.body` once `shared/aws-error-body.ts` kept it). Measured with @aws-sdk/client-ecs 3.1164.
 */
function unparsedAnswer(shape: ErrorShape, message: string): { status: number; body: string } | null {
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return null;
  if (shape.name !== 'SyntaxError' && !/Deserialization error/.test(message)) return null;
  return { status, body: bodyText(shape) ?? message.split('\n')[0] ?? '' };
}

function bodyText(shape: ErrorShape): string | null {
  const raw = shape.$responseBodyText ?? shape.$response?.body;
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  return null;
}

function classifyUnparsed(answer: { status: number; body: string }, operation: string | undefined) {
  const body = answer.body.replace(/\s+/g, ' ').trim().slice(0, MAX_BODY);
  const message = `${operation ?? 'the call'} answered HTTP ${answer.status} with a body that does not parse: ${body}`;
  const code = 'UnparseableAnswer';
  if (answer.status === 429) return { action: 'retry' as const, code, message };
  // A 4xx is the caller's fault whatever its body says; anything else (5xx, a 2xx from a proxy) may pass.
  if (answer.status >= 400 && answer.status < 500) return { action: 'fatal' as const, code, message };
  return { action: 'retry' as const, code, message };
}

/**
 * `operation` names the call (`DeleteTaskDefinitions`) in reasons the error itself cannot explain, such
 * as an answer that does not parse.
 */
export function classifyAwsError(error: unknown, kind: OperationKind, operation?: string): ErrorVerdict {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const rawMessage = typeof shape.message === 'string' ? shape.message : String(error);
  const unparsed = unparsedAnswer(shape, rawMessage);
  if (unparsed) return classifyUnparsed(unparsed, operation);
  const code = awsErrorCode(error);
  const message = rawMessage.length > MAX_MESSAGE ? `${rawMessage.slice(0, MAX_MESSAGE)}...` : rawMessage;
  const family = familyOf(shape, code, rawMessage);
  const action = actionFor(family, kind);
  if (action === 'retry-after') return { action, code, message, afterMs: DRAINING_WAIT_MS };
  // A quota's own message rarely says it is one (`TooManyUniqueTargetGroupsPerLoadBalancer` answers
  // "You've reached the limit on the number of unique target groups"): say what must change.
  if (family === 'quota') {
    return { action, code, message: `AWS quota exhausted (${code}), raise it or add capacity: ${message}` };
  }
  return { action, code, message };
}
