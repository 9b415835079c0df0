/**
 * Reference point for the ingest benchmark: node-hl7-server answering AA at once, with no parsing
 * of ours, no Kafka and no Redis. Prints its port on stdout.
 */
import { Server } from "node-hl7-server";

const server = new Server({ bindAddress: "127.0.0.1" });
const port = Number(process.argv[2] ?? 0);
server.createInbound({ port }, async (_req, res) => {
  await res.sendResponse("AA");
});
console.log(`ready ${port}`);
