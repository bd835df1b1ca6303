// A limit on the memory this process may use: a cgroup's (containers, and batch schedulers such as Slurm), which
// Node reads (process.constrainedMemory). Past it the kernel's OOM killer ends the process, exit 137 and no
// message, possibly while it writes its model. The kernel's memory, a run's largest allocation, is known before
// it is made, so one that the limit leaves no room for is refused in one line instead.

const GiB = 2 ** 30;

/** The limit in bytes, or null: none (Node says so as 0 or about 2⁶⁴), or not known. */
export function memoryLimit(): number | null {
  const limit = process.constrainedMemory?.();
  return limit !== undefined && limit > 0 && limit < 2 ** 60 ? limit : null;
}

/**
 * The one line refusing `bytes` more of kernel memory where the limit leaves no room for them beside what this
 * process holds already (its resident memory), or null where they fit.
 */
export function memoryTooLow(bytes: number, remedy: string, limit = memoryLimit(), held = process.memoryUsage.rss()): string | null {
  if (limit === null || held + bytes <= limit) return null;
  const gib = (n: number) => (n / GiB).toFixed(2);
  return `this model and data need ${gib(bytes)} GiB of kernel memory, and this process may use ${gib(limit)} GiB in all (its cgroup's memory limit), ${gib(held)} GiB of it in use already; ${remedy}, or raise the limit`;
}
