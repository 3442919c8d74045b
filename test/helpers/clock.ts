/** A fake clock for the lookups' pacing: sleeps only move its time forward (one caller at a time), each recorded. */
import type { Clock } from "../../src/lookup/pacing";

export function fakeClock(random: () => number = () => 0.5): Clock & { time: number; sleeps: number[] } {
  const clock = {
    time: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
    random,
  };
  return clock;
}
