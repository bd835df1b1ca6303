// What cli-here.ts, cli-bridge.ts and cli-server.ts pass each other: a command line as a job, and the marker the
// server writes to its fds 1 and 2 after each line (what the bridge read before it was written there straight).

export interface Job {
  id: number;
  args: string[];
  cwd: string;
}

export const marker = (id: number) => `\u0000cli-server ${id} done\u0000`;
