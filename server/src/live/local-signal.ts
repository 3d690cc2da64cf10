import { EventEmitter } from 'node:events';
import type { ChangeSignal } from '../deps.ts';

/** In one process the signal is an event emitter; with PostgreSQL, LISTEN/NOTIFY joins instances. */
export class LocalSignal extends EventEmitter implements ChangeSignal {
  committed(lastSeq: number): void {
    this.emit('committed', lastSeq);
  }
}
