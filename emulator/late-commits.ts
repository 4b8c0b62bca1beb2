// Creates the lateCommit fault holds back (emulator/faults.ts): the connection was cut at once and the
// commit runs on a wall-clock timer. Closing the emulator cancels those still waiting, so none lands in a
// closed emulator's state.
export class LateCommits {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private running = 0;

  /** Runs `commit` after `ms`; a refusal (e.g. NotRemainCount) means the create never happens, as in the cloud. */
  schedule(ms: number, commit: () => Promise<void>, onFailure: (err: unknown) => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.running += 1;
      commit()
        .catch(onFailure)
        .finally(() => {
          this.running -= 1;
        });
    }, ms);
    this.timers.add(timer);
  }

  /** Commits not yet settled: waiting for their timer or being carried out. */
  pending(): number {
    return this.timers.size + this.running;
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
