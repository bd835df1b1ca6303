// How many cores this process may keep busy: the CPUs it may run on (os.availableParallelism, which follows
// taskset and cpusets), fewer where a cgroup's CPU quota (docker --cpus, a Kubernetes limit, systemd's CPUQuota)
// allows less time than that. Every step waits for its slowest thread, so threads beyond the quota are throttled
// while the others wait: on half a CPU, two threads trained at a third the speed of one.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The cores the defaults use: at least 1. */
export function availableCores(): number {
  const cpus = Math.max(1, availableParallelism());
  const quota = cgroupCpuQuota();
  return quota === null ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota)));
}

/** The CPUs' worth of time this process's cgroup allows (quota / period), or null: no quota, or none found. */
export function cgroupCpuQuota(read: (path: string) => string | null = readText): number | null {
  const groups = read('/proc/self/cgroup');
  if (groups === null) return null;
  for (const line of groups.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers === '') { // cgroup v2: "quota period", or "max period"
      const max = read(`/sys/fs/cgroup${path}/cpu.max`) ?? read('/sys/fs/cgroup/cpu.max');
      const m = max === null ? null : /^(\d+) (\d+)/.exec(max);
      if (m !== null && +m[2] > 0) return +m[1] / +m[2];
    } else if (controllers.split(',').includes('cpu')) { // cgroup v1: cfs_quota_us (-1: none) over cfs_period_us
      for (const dir of [`/sys/fs/cgroup/${controllers}${path}`, `/sys/fs/cgroup/cpu${path}`, `/sys/fs/cgroup/${controllers}`, '/sys/fs/cgroup/cpu']) {
        const quota = read(`${dir}/cpu.cfs_quota_us`);
        const period = read(`${dir}/cpu.cfs_period_us`);
        if (quota === null || period === null) continue;
        return +quota > 0 && +period > 0 ? +quota / +period : null;
      }
    }
  }
  return null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
