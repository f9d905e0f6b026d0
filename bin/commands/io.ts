// What every hmb command shares: where output goes, and how a failure becomes
// one line and an exit code instead of a stack trace.

/** Where commands write; tests or other front ends may pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Runs an action that returns its exit code; a thrown error is a user error: one line, exit 1. */
export function run(io: Io, action: () => number): void {
  try {
    process.exitCode = action();
  } catch (error) {
    io.err(`hmb: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

/** As `run`, for an action that awaits (the plan store, the network). */
export async function runAsync(io: Io, action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    io.err(`hmb: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
