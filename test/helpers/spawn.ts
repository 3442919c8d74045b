/** Child processes for tests, asynchronous so that several run at once (spawnSync blocks the jest worker). */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface SpawnResult {
  /** Exit code, or null when a signal ended the process. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Processes started by spawnAsync and not yet ended, so that a suite's afterAll can end them (killRunning). */
const running = new Set<ChildProcess>();

/**
 * Runs `command args` to its end and resolves with its status and output; rejects only when it cannot be
 * started (e.g. not on PATH). `input` is written to its stdin.
 */
export function spawnAsync(command: string, args: readonly string[], options: SpawnOptions & { input?: string } = {}): Promise<SpawnResult> {
  const { input, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { ...spawnOptions, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    running.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      running.delete(child);
      reject(error);
    });
    child.on("close", (status, signal) => {
      running.delete(child);
      resolve({ status, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), ms: Date.now() - started });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Ends the processes spawnAsync started in this test file that are still running (for afterAll after a timeout). */
export function killRunning(): void {
  for (const child of running) child.kill();
}
