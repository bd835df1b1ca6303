// A worker module that fails as it loads, as one does where the process has no file left to open its imports:
// the thread fails before it takes a task (piscina's 'error' event on the pool, or the task's rejection).

throw new Error('this worker could not load');

export {};
