import type { AppDeps } from '../app-env.js';
import { makeCapacityShare } from './capacity-share.js';
import { type Mailer, makeOutbox, makeSmtpMailer, type Outbox } from './mailer.js';
import { makePendingLinks, type PendingLink } from './pending-links.js';
import { DEFAULT_POW, makeProofOfWork, type PowOptions } from './proof-of-work.js';
import { makeTokenSigner, signingKeyOf } from './signed-token.js';
import { DEFAULT_SIGNUP_LIMITS, makeSignupLimiter, type SignupLimits } from './signup-limits.js';
import { DEFAULT_STREAM_CAPS, makeStreamGate, type StreamCaps } from './stream-gate.js';

export interface SignupOptions {
  /** Where mails go instead of SMTP_URL (tests: a real SMTP server is simpler through SMTP_URL). */
  mailer?: Mailer;
  /** The dev outbox to use when there is no SMTP_URL (`npm run dev` passes one that prints links). */
  outbox?: Outbox;
  limits?: Partial<SignupLimits>;
  pow?: Partial<PowOptions>;
  streams?: Partial<StreamCaps>;
}

/** Everything the signup routes share, built once per app from its deps. */
export function makeSignupKit(deps: AppDeps, options: SignupOptions = {}) {
  const { config, redis, store, sealer } = deps;
  const key = signingKeyOf(config);
  const signer = makeTokenSigner(key);
  // Production refuses to start without SMTP_URL (loadApiConfig); elsewhere mail stays on this machine.
  const outbox =
    options.mailer || config.SMTP_URL || config.NODE_ENV === 'production'
      ? undefined
      : (options.outbox ?? makeOutbox());
  const mailer: Mailer =
    options.mailer ??
    (config.SMTP_URL
      ? makeSmtpMailer(config.SMTP_URL.reveal(), config.MAIL_FROM ?? 'OpenClaw <no-reply@localhost>')
      : outbox!);
  const origin = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');
  const streams = { ...DEFAULT_STREAM_CAPS, ...options.streams };
  return {
    signer,
    mailer,
    outbox,
    streams,
    links: makePendingLinks({
      redis,
      keys: store.keys,
      sealer,
      signer,
      ttlSeconds: config.SIGNUP_LINK_TTL_SECONDS,
    }),
    limiter: makeSignupLimiter(redis, store.keys.signupLimits, {
      ...DEFAULT_SIGNUP_LIMITS,
      ...options.limits,
    }),
    pow: makeProofOfWork({
      redis,
      keys: store.keys,
      hmacKey: key,
      options: { ...DEFAULT_POW, ...options.pow },
    }),
    share: makeCapacityShare(redis, store, config.SIGNUP_CAPACITY_SHARE),
    gate: makeStreamGate(streams),
    /** The page opens a link's token from the URL fragment, which browsers never send to a server. */
    linkUrl: (purpose: PendingLink['purpose'], token: string) =>
      `${origin}/#${purpose === 'signup' ? 'verify' : 'rotate'}=${token}`,
    streamToken: (id: string) =>
      signer.sign({ p: 'stream', s: id, x: Math.floor(Date.now() / 1000) + streams.tokenTtlSeconds }),
  };
}
export type SignupKit = ReturnType<typeof makeSignupKit>;
