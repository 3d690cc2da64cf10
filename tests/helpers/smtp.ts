import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  /** Every message the server accepted, parsed. */
  messages: ParsedMail[];
  /** `refuse`: answer 451 to every message; `hang`: accept the connection and never greet; `accept`: take mail. */
  mode: 'accept' | 'refuse' | 'hang';
  close(): Promise<void>;
}

/** A real SMTP server in the test process (no auth, no TLS) that keeps what it receives. */
export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const state: { mode: TestSmtp['mode'] } = { mode: 'accept' };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (state.mode === 'hang') return; // never answers: the client's greeting timeout fires
      callback();
    },
    onData(stream, _session, callback) {
      if (state.mode === 'refuse') {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header as it was sent (mailparser turns List-* headers into a structure): the text after the colon. */
export function rawHeader(mail: ParsedMail | undefined, name: string): string | undefined {
  const line = mail?.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).trim();
}
