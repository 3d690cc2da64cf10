import { spawn } from 'node:child_process';
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
});
