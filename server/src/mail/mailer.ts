import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Where notification e-mail leaves the server; one per process. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Timeouts well below the delivery lease: a server that accepts the connection and then says
 * nothing fails the attempt (retried later) before another instance could take the same row.
 */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function smtpMailer(url: string, from: string, timeouts: Partial<typeof TIMEOUTS> = {}): Mailer {
  // Transport options first (the URL and timeouts); the second argument only holds message defaults.
  const transport = nodemailer.createTransport({ url, ...TIMEOUTS, ...timeouts }, { from });
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close() {
      transport.close();
    },
  };
}
