import type { SignupOptions } from '../../api/signup/signup-kit.js';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox.js';
import { solvePow } from '../support/solve-pow.js';
import { makeTestApp, type TestApp } from './test-app.js';

/** Easy proofs of work for tests (the page's default is about 40k tries). */
export const EASY_POW = { cost: 1, keyPrefix: '0' };

/** The app with its mail going to a real SMTP server in the test, and helpers to sign up and open links. */
export async function makeSignupApp(options: { env?: Record<string, string>; signup?: SignupOptions } = {}) {
  const inbox = await startSmtpInbox();
  const t = await makeTestApp({
    env: {
      SMTP_URL: inbox.url,
      MAIL_FROM: 'OpenClaw <no-reply@fleet.test>',
      PUBLIC_URL: 'https://fleet.test',
      ...options.env,
    },
    signup: { pow: EASY_POW, ...options.signup },
  });
  const pow = () => solvePow(async () => t.app.request('/signup-challenge'));
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return {
    ...t,
    inbox,
    pow,
    post,
    /** As the page does: a challenge from the same client first; a refused challenge is the answer. */
    async signup(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const challenge = await t.app.request('/signup-challenge', { headers });
      if (challenge.status !== 200) return challenge;
      return post('/signup', { email, altcha: await solvePow(async () => challenge), ...extra }, headers);
    },
    async lostToken(email: string, extra: Record<string, unknown> = {}) {
      return post('/signup/lost-token', { email, altcha: await pow(), ...extra });
    },
    /** The token of a mailed link (`https://fleet.test/#verify=<token>`). */
    tokenOf(link: string | null): { purpose: string; token: string } {
      const match = /#(verify|rotate)=([\w.-]+)$/.exec(link ?? '');
      if (!match) throw new Error(`not a signup link: ${link}`);
      return { purpose: match[1]!, token: match[2]! };
    },
    async open(link: string | null) {
      const { purpose, token } = this.tokenOf(link);
      return post(purpose === 'verify' ? '/signup/verify' : '/signup/rotate', { token });
    },
    async close() {
      await t.close();
      await inbox.close();
    },
  };
}
export type SignupApp = Awaited<ReturnType<typeof makeSignupApp>>;
export type { SmtpInbox, TestApp };
