import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type Csp = NonNullable<Exclude<Parameters<typeof secureHeaders>[0], undefined>['contentSecurityPolicy']>;

/** What every page shares: nothing framed (clickjacking), no plugins, forms and fetches to this origin. */
const base: Csp = {
  defaultSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
};

/**
 * One content security policy per page, each as tight as that page allows (checked against its HTML):
 * - signup `/`: its own script and stylesheet files only (signup.js sets styles through the CSSOM,
 *   which CSP allows);
 * - `/dashboard`: its own script and stylesheet files (/dashboard/app.js, app.css), and its event
 *   stream (connect-src 'self'); no inline script or style;
 * - `/docs`: swagger-ui's bundle and initializer files; swagger-ui sets inline styles;
 * - Bull Board: its script files, inline styles (React), and the IBM Plex font from Google Fonts,
 *   which its page links.
 */
export const PAGE_POLICIES = {
  signup: { ...base, scriptSrc: ["'self'"], styleSrc: ["'self'"] },
  dashboard: { ...base, scriptSrc: ["'self'"], styleSrc: ["'self'"] },
  docs: { ...base, scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] },
  bullBoard: {
    ...base,
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
    fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
  },
} satisfies Record<string, Csp>;

/** Hono's secureHeaders (nosniff, HSTS, no-referrer, ...) with the page's CSP and X-Frame-Options: DENY. */
export function pageHeaders(policy: Csp): MiddlewareHandler {
  return secureHeaders({ contentSecurityPolicy: policy, xFrameOptions: 'DENY' });
}
