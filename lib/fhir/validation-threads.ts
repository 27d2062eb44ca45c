/**
 * 6情報 bundles validated on worker threads (docs/decisions/0079 addendum): the sharing worker builds, records and
 * sends on its main thread while other threads validate, so validation — half of its CPU per new unit — runs on
 * another core. Each thread runs the same validateBundle (validation-thread.ts); a bundle goes to the thread with the
 * fewest waiting. A thread that fails or exits is left out, and with none left every bundle is validated on the
 * calling thread, as without threads: validation never stops because a thread did.
 */
import { Worker } from 'node:worker_threads';
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirIssue } from './issues';
import { validateBundle } from './index';

type Waiting = { resolve: (issues: FhirIssue[]) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; waiting: Map<number, Waiting>; alive: boolean; ready: Promise<void> };

export type ValidationThreads = {
  /** The issues of `bundle`, from a thread (or this one, when no thread is left). */
  validate(bundle: Bundle): Promise<FhirIssue[]>;
  /** Threads running (they load the profiles first: answers wait for that). */
  alive(): number;
  /** Resolves once every thread has loaded the profiles (or failed). */
  ready(): Promise<void>;
  close(): Promise<void>;
};

/** `warmUpRounds`: each thread's start-up warm-up (warm-up.ts, ADR 0094); 0 or none: no warm-up. */
export function startValidationThreads(count: number, { warmUpRounds = 0 }: { warmUpRounds?: number } = {}): ValidationThreads {
  let nextId = 0;
  const threads: Thread[] = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./validation-thread.mjs', import.meta.url), { workerData: { warmUpRounds } });
    let loaded = () => {};
    const thread: Thread = { worker, waiting: new Map(), alive: true, ready: new Promise<void>((resolve) => (loaded = resolve)) };
    const fail = (error: Error) => {
      thread.alive = false;
      loaded();
      for (const w of thread.waiting.values()) w.reject(error);
      thread.waiting.clear();
    };
    thread.worker.on('message', (m: { ready?: true; id?: number; issues?: FhirIssue[]; error?: string }) => {
      if (m.ready) loaded();
      if (m.id === undefined) return;
      const w = thread.waiting.get(m.id);
      thread.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.issues!);
    });
    thread.worker.on('error', fail);
    thread.worker.on('exit', () => fail(new Error('validation thread exited')));
    thread.worker.unref();
    return thread;
  });

  return {
    async validate(bundle) {
      const open = threads.filter((t) => t.alive);
      if (open.length === 0) return validateBundle(bundle);
      const thread = open.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
      const id = nextId++;
      try {
        return await new Promise<FhirIssue[]>((resolve, reject) => {
          thread.waiting.set(id, { resolve, reject });
          thread.worker.postMessage({ id, bundle });
        });
      } catch (error) {
        // the thread failed (not the bundle: validateBundle reports problems as issues): validate here instead
        if (thread.alive) throw error;
        return validateBundle(bundle);
      }
    },
    alive: () => threads.filter((t) => t.alive).length,
    ready: async () => {
      await Promise.all(threads.map((t) => t.ready));
    },
    async close() {
      await Promise.all(threads.map((t) => {
        t.alive = false;
        return t.worker.terminate();
      }));
    },
  };
}
