// The cores the defaults use: a cgroup's CPU quota (v2 cpu.max, v1 cfs_quota_us / cfs_period_us) bounds them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupCpuQuota } from '../src/train/cores.js';

const files = (map: Record<string, string>) => (path: string) => map[path] ?? null;

test('a cgroup\'s CPU quota is read as CPUs\' worth of time, v2 and v1; no quota, or no cgroup file, is none', () => {
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/box\n', '/sys/fs/cgroup/box/cpu.max': '50000 100000\n' })), 0.5);
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup//cpu.max': 'max 100000\n' })), null);
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/x\n', '/sys/fs/cgroup/cpu.max': '250000 100000\n' })), 2.5, 'the namespace root where the path is not mounted');
  const v1 = (quota: string) => files({ '/proc/self/cgroup': '4:memory:/m\n2:cpu,cpuacct:/docker/1\n', '/sys/fs/cgroup/cpu,cpuacct/docker/1/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu,cpuacct/docker/1/cpu.cfs_period_us': '100000\n' });
  assert.equal(cgroupCpuQuota(v1('150000\n')), 1.5);
  assert.equal(cgroupCpuQuota(v1('-1\n')), null);
  assert.equal(cgroupCpuQuota(files({})), null);
  // A limit on a parent (a systemd slice, a batch job's cgroup) with none on the leaf: the parent's.
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/job/step\n', '/sys/fs/cgroup/job/step/cpu.max': 'max 100000\n', '/sys/fs/cgroup/job/cpu.max': '50000 100000\n' })), 0.5);
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '2:cpu:/a/b\n', '/sys/fs/cgroup/cpu/a/b/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/a/b/cpu.cfs_period_us': '100000', '/sys/fs/cgroup/cpu/a/cpu.cfs_quota_us': '200000', '/sys/fs/cgroup/cpu/a/cpu.cfs_period_us': '100000' })), 2);
});
