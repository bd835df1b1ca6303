// How many cores this process may keep busy: the CPUs it may run on (os.availableParallelism, which follows
// taskset and cpusets), fewer where a cgroup's CPU quota (docker --cpus, a Kubernetes limit, systemd's CPUQuota)
// allows less time than that. Every step waits for its slowest thread, so threads beyond the quota are throttled
// while the others wait: on half a CPU, two threads trained at a third the speed of one.

import { readTextOrNull } from '../io/read-input.js';
import { availableParallelism } from 'node:os';

/** The cores the defaults use: at least 1. */
export function availableCores(): number {
  const cpus = Math.max(1, availableParallelism());
  const quota = cgroupCpuQuota();
  return quota === null ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota)));
}

/**
 * The CPUs' worth of time this process's cgroup allows (quota / period): the least its cgroup or any above it
 * allows (a limit may be set on a parent: a systemd slice, a batch job's cgroup); null: no quota, or none found.
 */
export function cgroupCpuQuota(read: (path: string) => string | null = readTextOrNull): number | null {
  const groups = read('/proc/self/cgroup');
  if (groups === null) return null;
  let least: number | null = null;
  const take = (q: number | null) => {
    if (q !== null && (least === null || q < least)) least = q;
  };
  for (const line of groups.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers === '') { // cgroup v2: "quota period", or "max period"
      for (const dir of ancestors('/sys/fs/cgroup', path)) take(v2Quota(read(`${dir}/cpu.max`)));
    } else if (controllers.split(',').includes('cpu')) { // cgroup v1: cfs_quota_us (-1: none) over cfs_period_us
      for (const root of [`/sys/fs/cgroup/${controllers}`, '/sys/fs/cgroup/cpu']) {
        for (const dir of ancestors(root, path)) take(v1Quota(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`)));
      }
    }
  }
  return least;
}

/** root + path and each folder above it up to root (a path not mounted here leaves root itself, as in a container). */
function ancestors(root: string, path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  return Array.from({ length: parts.length + 1 }, (_, i) => [root, ...parts.slice(0, parts.length - i)].join('/'));
}

function v2Quota(max: string | null): number | null {
  const m = max === null ? null : /^(\d+) (\d+)/.exec(max);
  return m !== null && +m[2] > 0 ? +m[1] / +m[2] : null;
}

function v1Quota(quota: string | null, period: string | null): number | null {
  return quota !== null && period !== null && +quota > 0 && +period > 0 ? +quota / +period : null;
}
