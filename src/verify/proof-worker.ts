// A worker thread of ProofFilePool (proof-pool.ts): verifies the files it is handed with verifyProofFile, one message
// per verdict (as JSON text), then says the run is done. Its member tables and parsed keys are its own, kept across runs.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyProofFile, type FileVerifyOptions } from './proof-files.js';
import type { WorkerMessage, WorkerTask } from './proof-pool.js';

const port = parentPort!;
const { options } = workerData as { options: FileVerifyOptions };
const say = (m: WorkerMessage) => port.postMessage(m);

port.on('message', (task: WorkerTask) => {
  for (const [index, file] of task) say({ index, verdict: JSON.stringify(verifyProofFile(file, options)) });
  say({ done: true });
});
say({ ready: true });
