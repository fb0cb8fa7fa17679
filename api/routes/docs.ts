import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { docsAsset, docsPage } from '../docs/docs-page.js';
import { ERROR_CODE_LIST, ERROR_CODES } from '../error-codes.js';

const errorCodeRows = ERROR_CODE_LIST.map(
  (code) => `| \`${code}\` | ${ERROR_CODES[code].status} | ${ERROR_CODES[code].description} |`,
).join('\n');

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'OpenClaw Fleet API',
    version: '1.0.0',
    description: [
      'Provisions one OpenClaw gateway per user on ECS. Every /v1 route needs `Authorization: Bearer <API_TOKEN>`.',
      'Errors answer `{ error: { code, message, details, requestId } }`; `code` is one of the values listed under the `Error` schema.',
      'A known path with a method it does not serve answers `405 method_not_allowed` with an `Allow` header.',
      `## Error codes\n\n| code | status | meaning |\n| --- | --- | --- |\n${errorCodeRows}`,
    ].join('\n\n'),
    license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    contact: { name: 'OpenClaw Fleet platform team' },
  },
  servers: [
    { url: 'http://127.0.0.1:3000', description: 'Local default (`npm run dev`, `docker compose up`)' },
    {
      url: 'https://{apiHost}',
      description: 'Production: the host of `terraform output -raw api_url`',
      variables: { apiHost: { default: 'fleet-api.invalid', description: 'Your API host name' } },
    },
  ],
  tags: [
    { name: 'instances', description: 'Instance lifecycle' },
    { name: 'capacity', description: 'Fleet capacity, cost and projections' },
    { name: 'operations', description: 'Operator actions on the whole fleet (reconcile now)' },
    { name: 'signup', description: 'Same-origin backend of the public signup page' },
    { name: 'health', description: 'Liveness and readiness' },
  ],
};

/** `/openapi.json` (generated from the route schemas) and interactive docs at `/docs`. */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'API_TOKEN from the API configuration',
  });
  app.doc31('/openapi.json', OPENAPI_INFO);
  app.get('/docs', docsPage);
  app.get('/docs/assets/:name', docsAsset);
}
