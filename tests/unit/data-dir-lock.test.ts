import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir } from '@defuse/server/db/data-dir-lock';
import { describe, expect, it } from 'vitest';

describe('lockDataDir', () => {
  it('creates missing parents, writes our pid, and releases', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'defuse-lock-')), 'a', 'b');
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'defuse.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, 'defuse.lock'))).toBe(false);
  });

  it('refuses a folder held by a live process, with a message that says what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-lock-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(join(dir, 'defuse.lock'), String(holder.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(/in use by another Defuse process/);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-lock-'));
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(join(dir, 'defuse.lock'), String(dead.pid));
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'defuse.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over a lock left by a zombie (killed, not yet reaped by its parent)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-lock-'));
    // Node reaps its own children at once, so a python parent forks a child that exits and is
    // never waited for: a real zombie, as a server killed with -9 is until its parent reaps it.
    const parent: ChildProcessWithoutNullStreams = spawn('python3', [
      '-c',
      'import os,time\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid,flush=True)\ntime.sleep(30)',
    ]);
    try {
      const zombie = await new Promise<number>((resolve, reject) => {
        parent.stdout.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10)));
        parent.once('exit', () => reject(new Error('python parent exited early')));
      });
      await waitForZombie(zombie);
      writeFileSync(join(dir, 'defuse.lock'), String(zombie));
      const release = lockDataDir(dir);
      expect(readFileSync(join(dir, 'defuse.lock'), 'utf8')).toBe(String(process.pid));
      release();
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

/** Resolves once `pid` shows state Z in /proc (the child's _exit may take a moment). */
async function waitForZombie(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
    if (state === 'Z') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never became a zombie`);
}
