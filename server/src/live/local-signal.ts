import { EventEmitter } from 'node:events';
import type { ChangeSignal } from '../deps.ts';

/** In one process (PGlite) the signal is an event emitter; with PostgreSQL, PgSignal joins instances. */
export class LocalSignal extends EventEmitter implements ChangeSignal {
  committed(lastSeq: number): void {
    this.emit('committed', lastSeq);
  }

  subscribe(listener: (lastSeq: number) => void): () => void {
    this.on('committed', listener);
    return () => this.off('committed', listener);
  }

  personChanged(personId: string | null): void {
    this.emit('person', personId);
  }

  subscribePeople(listener: (personId: string | null) => void): () => void {
    this.on('person', listener);
    return () => this.off('person', listener);
  }

  notified(personIds: string[] | null): void {
    this.emit('notified', personIds);
  }

  subscribeNotified(listener: (personIds: string[] | null) => void): () => void {
    this.on('notified', listener);
    return () => this.off('notified', listener);
  }
}
