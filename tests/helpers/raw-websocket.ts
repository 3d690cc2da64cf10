import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A websocket client written by hand on a TCP socket, so a test can send what no library would:
 * reserved bits, unknown opcodes, unmasked frames, floods of fragments, thousands of headers.
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  /** The three reserved bits, RSV1 = 4, RSV2 = 2, RSV3 = 1. */
  rsv?: number;
  /** Clients must mask; false writes the payload in the clear. */
  masked?: boolean;
}

/** One frame as RFC 6455 §5.2 lays it out. */
export function frame({ opcode, payload = '', fin = true, rsv = 0, masked = true }: FrameSpec): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const length = data.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  header[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) header.writeUInt16BE(length, 2);
  if (extended === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!masked) return Buffer.concat([header, data]);
  const mask = randomBytes(4);
  mask.copy(header, 2 + extended);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = (data[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return Buffer.concat([header, body]);
}

/** The frames a server sent, as far as they are complete (servers never mask). */
export function parseServerFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] ?? 0) & 0x0f;
    let length = (bytes[at + 1] ?? 0) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

export interface RawConnection {
  socket: Socket;
  /** The HTTP status of the answer to the upgrade, or 0 if the server closed without one. */
  status: number;
  /** Everything received after the HTTP answer's headers. */
  received(): Buffer;
  /** Resolves once the server has closed (or reset) the TCP connection. */
  ended: Promise<void>;
  /** The code of the close frame the server sent, if any. */
  closeCode(): number | undefined;
  /** Writes, ignoring an error from a connection the server has already dropped. */
  write(bytes: Buffer): Promise<void>;
}

/**
 * Opens a TCP connection and sends an upgrade request for `path` with `headers` (plus the
 * handshake's own), resolving once the server answered the request or dropped the connection.
 */
export function rawUpgrade(
  base: string,
  {
    path = '/api/live',
    headers = {},
    extraHeaderLines = [],
  }: {
    path?: string;
    headers?: Record<string, string>;
    /** Raw "name: value" lines appended after the others (for thousands of them). */
    extraHeaderLines?: string[];
  } = {},
): Promise<RawConnection> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  let head = Buffer.alloc(0);
  let body: Buffer[] = [];
  let status: number | undefined;
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...extraHeaderLines,
  ];
  const connection = (code: number): RawConnection => ({
    socket,
    status: code,
    received: () => Buffer.concat(body),
    ended,
    closeCode() {
      const close = parseServerFrames(Buffer.concat(body)).find((f) => f.opcode === OPCODE.close);
      return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
    },
    write: (bytes) =>
      new Promise((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(bytes, () => resolve());
      }),
  });
  return new Promise((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      if (status !== undefined) {
        body.push(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      body = [head.subarray(end + 4)];
      resolve(connection(status));
    });
    void ended.then(() => {
      if (status === undefined) {
        status = 0;
        resolve(connection(0));
      }
    });
    socket.once('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
  });
}
