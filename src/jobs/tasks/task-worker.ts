// Worker-thread entry of the task worker: runs data-sized tasks (drift reports, ingests (plan and write), data
// summaries) so the main thread's event loop keeps serving. Tasks may overlap; each answers by id.
import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../../domain/errors.js';
import type { FromTaskWorker, ToTaskWorker } from './protocol.js';
import { runTask } from './run-task.js';

const port = parentPort;
if (!port) throw new Error('task-worker must run in a worker thread');

port.on('message', (msg: ToTaskWorker) => {
  void runTask(msg.task).then(
    (result) => port.postMessage({ id: msg.id, ok: true, result } satisfies FromTaskWorker),
    (err: unknown) =>
      port.postMessage({
        id: msg.id,
        ok: false,
        error: isDomainError(err)
          ? { code: err.code, message: err.message, data: err.data }
          : { message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack },
      } satisfies FromTaskWorker),
  );
});
