/**
 * Settings every AWS client of ours is built with: one endpoint when AWS_ENDPOINT_URL is set, one quick
 * SDK retry (the callers classify errors and back off), and bounded timeouts, since the SDK has no
 * default one and a silent connection would hold a job, its lock or a request forever.
 */
export function awsClientSettings(
  config: { AWS_REGION: string; AWS_ENDPOINT_URL?: string | undefined },
  requestTimeout: number,
) {
  return {
    region: config.AWS_REGION,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout },
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
}
