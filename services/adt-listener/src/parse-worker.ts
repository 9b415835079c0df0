/**
 * A `ParsePool` worker thread: reads each message it is sent with `readMessage` (limits and facility
 * mappings from `workerData`) and posts the `MessageRead` back. Nothing else runs here, so a slow
 * message slows only this thread, and the pool can terminate it if it is stuck.
 */
import { constants, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { type FacilityMapping, indexFacilityMappings } from "@homeward/contracts";
import { type ParseWorkerData, readMessage } from "./parse-pool.ts";

// Below the event loop's priority: on Linux this sets the nice value of this thread only, so on a
// busy machine the thread that answers every connection gets the CPU first and a large message
// waits, rather than the other way round.
try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not permitted here: the pool still keeps parsing off the event loop.
}

const data = workerData as ParseWorkerData;
const options = { lookupMapping: indexFacilityMappings(data.mappings), limits: data.limits };

type Task = { bytes: Uint8Array; receivedAt: number };
/** New facility mappings (ParsePool.setMappings): messages after this one are read with them. */
type Mappings = { mappings: readonly FacilityMapping[] };

parentPort?.on("message", (task: Task | Mappings) => {
  if ("mappings" in task) {
    options.lookupMapping = indexFacilityMappings(task.mappings);
    return;
  }
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const { text: _text, ...read } = readMessage(bytes, { ...options, receivedAt: new Date(task.receivedAt) });
  parentPort?.postMessage(read);
});
