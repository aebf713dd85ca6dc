import { AppError } from '@platform/kernel/http/errors.ts';

type Waiter = { jobId: string; grant: (release: () => void) => void; fail: (error: unknown) => void };

const cancelled = () => new AppError(499, 'transfer_cancelled', 'transfer cancelled');

/**
 * One scheduler per process for every job and user (spec 01-odh-tec "Scheduler"): a file needs a slot; free slots go
 * to the job with the fewest running files, then to the oldest job, so one big job cannot starve the others. The limit
 * changes at run time: raising it starts waiting files at once, lowering it lets running files finish.
 */
export class TransferScheduler {
  #limit: number;
  #used = 0;
  readonly #runningPerJob = new Map<string, number>();
  /** First-seen order of jobs: "oldest job" without a clock. */
  readonly #jobSeq = new Map<string, number>();
  #seq = 0;
  readonly #waiting: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Files of this job holding a slot now. */
  runningFor(jobId: string): number {
    return this.#runningPerJob.get(jobId) ?? 0;
  }

  setLimit(limit: number): void {
    this.#limit = limit;
    this.#grant();
  }

  /** Resolves with the slot's release function; rejects when `signal` aborts first. */
  acquire(jobId: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (!this.#jobSeq.has(jobId)) this.#jobSeq.set(jobId, this.#seq++);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        jobId,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#grant();
    });
  }

  /** Forgets a finished job's ordering entry once none of its files run or wait. */
  forget(jobId: string): void {
    if (!this.runningFor(jobId) && !this.#waiting.some((w) => w.jobId === jobId)) this.#jobSeq.delete(jobId);
  }

  #grant(): void {
    while (this.#used < this.#limit && this.#waiting.length > 0) {
      let best = 0;
      for (let k = 1; k < this.#waiting.length; k++) {
        const a = this.#waiting[k];
        const b = this.#waiting[best];
        const byRunning = this.runningFor(a.jobId) - this.runningFor(b.jobId);
        if (byRunning < 0 || (byRunning === 0 && this.#jobSeq.get(a.jobId)! < this.#jobSeq.get(b.jobId)!)) best = k;
      }
      const [waiter] = this.#waiting.splice(best, 1);
      this.#used++;
      this.#runningPerJob.set(waiter.jobId, this.runningFor(waiter.jobId) + 1);
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        this.#used--;
        const left = this.runningFor(waiter.jobId) - 1;
        if (left > 0) this.#runningPerJob.set(waiter.jobId, left);
        else this.#runningPerJob.delete(waiter.jobId);
        this.#grant();
      });
    }
  }
}
