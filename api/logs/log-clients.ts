import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientSettings } from '../../shared/aws-client-settings.js';
import type { ApiConfig } from '../../shared/config.js';
import { type LogReader, makeLogReader } from './log-reader.js';

/**
 * The API's only AWS clients, for the logs route: CloudWatch Logs (FilterLogEvents) and Secrets Manager
 * (GetSecretValue of the instance's own secret, to redact it), built with the worker's settings.
 */
export function makeApiLogReader(config: ApiConfig): { reader: LogReader; destroy(): void } | undefined {
  if (!config.LOG_GROUP) return undefined;
  // A shorter request timeout than the worker's: a person is waiting on the answer.
  const shared = awsClientSettings(config, 10_000);
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
