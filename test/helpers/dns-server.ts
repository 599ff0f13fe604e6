import dns2 from 'dns2';

const { Packet } = dns2;
/** RFC 1035 §4.1.1 response code: the name does not exist. */
const RCODE_NXDOMAIN = 3;

/** The names the test DNS server knows, one per outcome the validation job must tell apart. */
export const TEST_DNS_ZONE = {
  /** MX records (and an A record for the mail host). */
  mx: 'mx.sequencer.test',
  /** No MX; an A record only (RFC 5321 implicit MX). */
  aOnly: 'a-only.sequencer.test',
  /** No MX; an AAAA record only. */
  aaaaOnly: 'aaaa-only.sequencer.test',
  /** RFC 7505 null MX: "this domain accepts no mail". */
  nullMx: 'null-mx.sequencer.test',
  /** Answered NXDOMAIN (as is every name not listed here). */
  nxdomain: 'nxdomain.sequencer.test',
  /** Never answered: lookups time out. */
  timeout: 'timeout.sequencer.test',
} as const;

export type TestDnsZone = typeof TEST_DNS_ZONE;

type Answer = { type: 'MX'; exchange: string; priority: number } | { type: 'A' | 'AAAA'; address: string };

const RECORDS: Record<string, Answer[]> = {
  [TEST_DNS_ZONE.mx]: [
    { type: 'MX', exchange: `mail.${TEST_DNS_ZONE.mx}`, priority: 10 },
    { type: 'MX', exchange: `backup.${TEST_DNS_ZONE.mx}`, priority: 20 },
  ],
  [`mail.${TEST_DNS_ZONE.mx}`]: [{ type: 'A', address: '192.0.2.10' }],
  [TEST_DNS_ZONE.aOnly]: [{ type: 'A', address: '192.0.2.20' }],
  [TEST_DNS_ZONE.aaaaOnly]: [{ type: 'AAAA', address: '2001:db8::30' }],
  [TEST_DNS_ZONE.nullMx]: [
    { type: 'MX', exchange: '', priority: 0 },
    { type: 'A', address: '192.0.2.40' },
  ],
};

/** A real DNS server over UDP on 127.0.0.1 serving TEST_DNS_ZONE, for the validation job's resolver. */
export async function startTestDnsServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = dns2.createUDPServer((request, send) => {
    const [question] = request.questions;
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    if (name === TEST_DNS_ZONE.timeout) return;
    const response = Packet.createResponseFromRequest(request);
    const records = RECORDS[name];
    if (!records) response.header.rcode = RCODE_NXDOMAIN;
    for (const { type, ...data } of records ?? []) {
      if (Packet.TYPE[type] !== question.type) continue;
      response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 60, ...data }));
    }
    void send(response);
  });
  await server.listen(0, '127.0.0.1');
  // Never what keeps the test process alive.
  server.unref();
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
