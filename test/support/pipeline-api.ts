import { type RunningApi, startApi } from '../../api/start-api.js';
import { type ApiConfig, loadApiConfig } from '../../shared/config.js';
import { makeLogger } from '../../shared/logger.js';

/**
 * The API's real server (`startApi`) on a free port, configured from a pipeline's environment, so it
 * shares the worker's Redis prefix, queues and retry policy. `env` adds the caller's token and settings.
 */
export async function startPipelineApi(
  p: { env: Record<string, string> },
  env: Record<string, string> & { API_TOKEN: string },
): Promise<{ api: RunningApi; config: ApiConfig }> {
  const config = loadApiConfig({ ...p.env, ADMIN_PASSWORD: 'admin-password-1', PORT: '0', ...env });
  const api = await startApi(config, { port: 0, logger: makeLogger({ level: 'silent', name: 'api' }) });
  return { api, config };
}
