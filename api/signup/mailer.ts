import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The link the mail carries (the dev outbox lists it). */
  link: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Mail through SMTP (SMTP_URL), as nodemailer's URL form: smtp(s)://user:pass@host:port. */
export function makeSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

const OUTBOX_SIZE = 50;

/**
 * The local outbox of `npm run dev` (never in production, see signupMailerFor): keeps the last mails in
 * memory for the dev-only page and tells `onMail` (the launcher prints the link on its console).
 */
export function makeOutbox(onMail?: (mail: Mail) => void) {
  const mails: (Mail & { at: string })[] = [];
  return {
    mails,
    async send(mail: Mail) {
      mails.unshift({ ...mail, at: new Date().toISOString() });
      mails.length = Math.min(mails.length, OUTBOX_SIZE);
      onMail?.(mail);
    },
  };
}
export type Outbox = ReturnType<typeof makeOutbox>;

/** Redacts an address for logs: `a***@example.com`. */
export const redactEmail = (email: string) => email.replace(/^(.)[^@]*/, '$1***');
