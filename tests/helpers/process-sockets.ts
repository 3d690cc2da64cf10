import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The file descriptors a process holds open (Linux /proc). */
export function openFds(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return []; // closed while we looked
    }
  });
}

export interface TcpSocket {
  localPort: number;
  remotePort: number;
  /** The kernel's state code: 01 ESTABLISHED, 08 CLOSE_WAIT, 0A LISTEN… */
  state: string;
}

/** The TCP sockets among a process's descriptors, with their ports and states (/proc/net/tcp*). */
export function tcpSocketsOf(pid: number): TcpSocket[] {
  const inodes = new Set(
    openFds(pid).flatMap((link) => {
      const m = /^socket:\[(\d+)\]$/.exec(link);
      return m?.[1] ? [m[1]] : [];
    }),
  );
  return ['tcp', 'tcp6'].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[9] !== undefined && inodes.has(cols[9]))
      .map((cols) => ({
        localPort: Number.parseInt(cols[1]?.split(':')[1] ?? '0', 16),
        remotePort: Number.parseInt(cols[2]?.split(':')[1] ?? '0', 16),
        state: cols[3] ?? '',
      })),
  );
}
