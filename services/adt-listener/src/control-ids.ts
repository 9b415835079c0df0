/**
 * Control ids for our ACKs (MSH-10 of the ACK itself): unique per process and at most 20
 * characters, the ST length limit of v2.3–2.6 receivers.
 */
export function controlIdGenerator(prefix = "HW"): () => string {
  const start = Date.now().toString(36).toUpperCase();
  let seq = 0;
  return () => `${prefix}${start}${(seq++).toString(36).toUpperCase().padStart(5, "0")}`.slice(-20);
}
