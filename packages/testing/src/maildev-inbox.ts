interface MailDevMessage {
  id: string;
  subject: string;
  text?: string;
  to: { address: string }[];
  from: { address: string }[];
}

/** The mails the stack's MailDev holds for `to` (read through its REST API, as its web inbox does). */
export async function readMailDevInbox(webUrl: string, to: string): Promise<MailDevMessage[]> {
  const res = await fetch(`${webUrl}/email`);
  if (!res.ok) throw new Error(`MailDev answered ${res.status}`);
  const all = (await res.json()) as MailDevMessage[];
  return all.filter((m) => m.to.some((t) => t.address === to));
}
