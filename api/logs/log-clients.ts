import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ApiConfig } from '../../shared/config.js';
import { type LogReader, makeLogReader } from './log-reader.js';

/**
 * The API's only AWS clients, for the logs route: CloudWatch Logs (FilterLogEvents) and Secrets Manager
 * (GetSecretValue of the instance's own secret, to redact it). Settings as the worker's: one quick SDK
 * retry, bounded timeouts, AWS_ENDPOINT_URL for localcloud or another emulator.
 */
export function makeApiLogReader(config: ApiConfig): { reader: LogReader; destroy(): void } | undefined {
  if (!config.LOG_GROUP) return undefined;
  const shared = {
    region: config.AWS_REGION,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  const logs = new CloudWatchLogsClient(shared);
  const secrets = new SecretsManagerClient(shared);
  return {
    reader: makeLogReader({ logs, secrets, logGroup: config.LOG_GROUP }),
    destroy() {
      logs.destroy();
      secrets.destroy();
    },
  };
}
