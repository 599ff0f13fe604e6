import {
  checkEmails,
  MAX_CHECK_ATTEMPTS,
  retryDelayAfter,
  type DnsLookup,
  type EmailCheck,
  type MailHostResolver,
  type MxRecord,
} from '../../src/domain/contacts/email-validation';

interface FakeDomain {
  mx?: DnsLookup<MxRecord>;
  a?: DnsLookup<string>;
  aaaa?: DnsLookup<string>;
}

const NODATA = { kind: 'no_records' } as const;
const found = <T>(...records: T[]): DnsLookup<T> => ({ kind: 'found', records });
const failed = (reason: string): DnsLookup<never> => ({ kind: 'failed', reason });

/** Answers from a table (unknown names are NXDOMAIN) and counts every question it is asked. */
class FakeResolver implements MailHostResolver {
  readonly questions: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly zone: Record<string, FakeDomain>) {}

  mx(domain: string): Promise<DnsLookup<MxRecord>> {
    return this.answer(`MX ${domain}`, domain, (entry) => entry.mx);
  }

  addresses(domain: string, family: 4 | 6): Promise<DnsLookup<string>> {
    return this.answer(`${family === 4 ? 'A' : 'AAAA'} ${domain}`, domain, (entry) =>
      family === 4 ? entry.a : entry.aaaa,
    );
  }

  private async answer<T>(
    question: string,
    domain: string,
    pick: (entry: FakeDomain) => DnsLookup<T> | undefined,
  ): Promise<DnsLookup<T>> {
    this.questions.push(question);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    const entry = this.zone[domain];
    return entry ? (pick(entry) ?? NODATA) : { kind: 'no_domain' };
  }
}

async function checkOne(email: string, zone: Record<string, FakeDomain>): Promise<EmailCheck> {
  const checks = await checkEmails([email], new FakeResolver(zone), { concurrency: 4 });
  return checks.get(email)!;
}

describe('email validation', () => {
  describe('when the address cannot be parsed', () => {
    it.each(['not-an-email', 'ann@', '@example.com', 'ann@@example.com', 'ann@localhost', 'a b@example.com'])(
      'then %j is invalid_syntax, invalid, and DNS is never asked',
      async (email) => {
        const resolver = new FakeResolver({});
        const check = (await checkEmails([email], resolver, { concurrency: 4 })).get(email);

        expect(check).toMatchObject({ status: 'invalid_syntax', valid: false, disposable: null, role: null });
        expect(resolver.questions).toEqual([]);
      },
    );
  });

  describe('when the domain has MX records', () => {
    it('then the address is valid and the detail names the mail hosts by priority', async () => {
      const check = await checkOne('ann@example.com', {
        'example.com': {
          mx: found({ exchange: 'mx2.example.com', priority: 20 }, { exchange: 'mx1.example.com', priority: 10 }),
        },
      });

      expect(check).toEqual({
        status: 'valid',
        valid: true,
        disposable: false,
        role: false,
        detail: 'MX mx1.example.com (10), mx2.example.com (20)',
      });
    });

    it('then A and AAAA are not asked', async () => {
      const resolver = new FakeResolver({ 'example.com': { mx: found({ exchange: 'mx.example.com', priority: 0 }) } });

      await checkEmails(['ann@example.com'], resolver, { concurrency: 4 });

      expect(resolver.questions).toEqual(['MX example.com']);
    });
  });

  describe('when the domain publishes a null MX (RFC 7505)', () => {
    it.each(['', '.'])('then exchange %j means null_mx: invalid, even with an A record', async (exchange) => {
      const check = await checkOne('ann@example.com', {
        'example.com': { mx: found({ exchange, priority: 0 }), a: found('192.0.2.1') },
      });

      expect(check).toMatchObject({ status: 'null_mx', valid: false });
    });

    it('then a null MX listed beside real mail hosts is ignored and the address is valid', async () => {
      const check = await checkOne('ann@example.com', {
        'example.com': { mx: found({ exchange: '', priority: 0 }, { exchange: 'mx.example.com', priority: 10 }) },
      });

      expect(check).toMatchObject({ status: 'valid', valid: true, detail: 'MX mx.example.com (10)' });
    });
  });

  describe('when the domain has no MX record', () => {
    it('then an A record alone makes it valid (implicit MX)', async () => {
      const check = await checkOne('ann@example.com', { 'example.com': { a: found('192.0.2.1') } });

      expect(check).toMatchObject({ status: 'valid', valid: true, detail: 'no MX; A 192.0.2.1' });
    });

    it('then an AAAA record alone makes it valid too', async () => {
      const check = await checkOne('ann@example.com', { 'example.com': { aaaa: found('2001:db8::1') } });

      expect(check).toMatchObject({ status: 'valid', valid: true, detail: 'no MX; AAAA 2001:db8::1' });
    });

    it('then without A or AAAA either it is no_mail_host: invalid', async () => {
      const check = await checkOne('ann@example.com', { 'example.com': {} });

      expect(check).toMatchObject({ status: 'no_mail_host', valid: false });
    });

    it('then an address lookup that fails, with no address found, leaves it unknown', async () => {
      const check = await checkOne('ann@example.com', { 'example.com': { a: failed('ETIMEOUT') } });

      expect(check).toMatchObject({ status: 'unknown', valid: null, detail: 'no MX; A lookup failed: ETIMEOUT' });
    });

    it('then an address found wins over the other family failing', async () => {
      const check = await checkOne('ann@example.com', {
        'example.com': { a: failed('ESERVFAIL'), aaaa: found('2001:db8::1') },
      });

      expect(check).toMatchObject({ status: 'valid', valid: true });
    });
  });

  describe('when the domain does not exist', () => {
    it('then it is nxdomain: invalid, and nothing else is asked', async () => {
      const resolver = new FakeResolver({});

      const check = (await checkEmails(['ann@nowhere.example'], resolver, { concurrency: 4 })).get(
        'ann@nowhere.example',
      );

      expect(check).toMatchObject({ status: 'nxdomain', valid: false, disposable: false, role: false });
      expect(resolver.questions).toEqual(['MX nowhere.example']);
    });
  });

  describe('when DNS gives no definite answer', () => {
    it.each(['ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED', 'EREFUSED'])(
      'then %s leaves the address unknown with email_valid untouched (null)',
      async (reason) => {
        const check = await checkOne('ann@example.com', { 'example.com': { mx: failed(reason) } });

        expect(check).toEqual({
          status: 'unknown',
          valid: null,
          disposable: false,
          role: false,
          detail: `MX lookup failed: ${reason}`,
        });
      },
    );
  });

  describe('when the domain is a known disposable-mail provider', () => {
    it.each(['ann@mailinator.com', 'ann@MAILINATOR.com', 'ann@inbox.mailinator.com'])(
      'then %s is disposable: invalid, flagged, and DNS is never asked',
      async (email) => {
        const resolver = new FakeResolver({});
        const check = (await checkEmails([email], resolver, { concurrency: 4 })).get(email);

        expect(check).toMatchObject({ status: 'disposable', valid: false, disposable: true, role: false });
        expect(resolver.questions).toEqual([]);
      },
    );

    it('then an ordinary domain is not flagged', async () => {
      const check = await checkOne('ann@gmail.com', { 'gmail.com': { mx: found({ exchange: 'mx', priority: 5 }) } });

      expect(check).toMatchObject({ status: 'valid', disposable: false });
    });
  });

  describe('when the local part names a role', () => {
    const zone = { 'example.com': { mx: found({ exchange: 'mx.example.com', priority: 10 }) } };

    it.each(['info', 'Support', 'no-reply', 'noreply', 'postmaster', 'sales+emea', 'Billing+2024'])(
      'then %s@ is flagged as a role but stays valid',
      async (local) => {
        expect(await checkOne(`${local}@example.com`, zone)).toMatchObject({
          status: 'valid',
          valid: true,
          role: true,
        });
      },
    );

    it.each(['ann', 'ann+info', 'information', 'sales.team'])('then %s@ is a person, not a role', async (local) => {
      expect(await checkOne(`${local}@example.com`, zone)).toMatchObject({ status: 'valid', role: false });
    });

    it('then a role at a disposable domain is flagged as both', async () => {
      expect(await checkOne('admin@mailinator.com', {})).toMatchObject({
        status: 'disposable',
        disposable: true,
        role: true,
      });
    });
  });

  describe('when a batch has many contacts on few domains', () => {
    it('then each domain is resolved once and every address gets its own domain verdict', async () => {
      const resolver = new FakeResolver({
        'shared.example': { mx: found({ exchange: 'mx.shared.example', priority: 10 }) },
        'a-only.example': { a: found('192.0.2.7') },
      });
      const emails = ['ann@shared.example', 'bob@shared.example', 'info@shared.example', 'cyd@a-only.example'];

      const checks = await checkEmails([...emails, 'dan@gone.example', 'eve@gone.example'], resolver, {
        concurrency: 4,
      });

      expect(resolver.questions.filter((question) => question === 'MX shared.example')).toHaveLength(1);
      expect(resolver.questions.filter((question) => question === 'MX gone.example')).toHaveLength(1);
      expect([...resolver.questions].sort()).toEqual(
        ['MX shared.example', 'MX a-only.example', 'A a-only.example', 'AAAA a-only.example', 'MX gone.example'].sort(),
      );
      expect(emails.map((email) => checks.get(email)?.status)).toEqual(['valid', 'valid', 'valid', 'valid']);
      expect(checks.get('info@shared.example')?.role).toBe(true);
      expect(checks.get('eve@gone.example')?.status).toBe('nxdomain');
    });

    it('then no more domains than the concurrency limit are resolved at once', async () => {
      const domains = Array.from({ length: 20 }, (_, index) => `d${index}.example`);
      const resolver = new FakeResolver(
        Object.fromEntries(domains.map((domain) => [domain, { mx: found({ exchange: `mx.${domain}`, priority: 1 }) }])),
      );

      const checks = await checkEmails(
        domains.map((domain) => `ann@${domain}`),
        resolver,
        { concurrency: 3 },
      );

      expect(checks.size).toBe(20);
      expect(resolver.maxInFlight).toBe(3);
    });

    it('then an empty batch asks nothing', async () => {
      const resolver = new FakeResolver({});

      expect((await checkEmails([], resolver, { concurrency: 4 })).size).toBe(0);
      expect(resolver.questions).toEqual([]);
    });
  });

  describe('when a check is inconclusive again and again', () => {
    it('then it is retried after 1 min, 5 min, 30 min and 2 h, and the fifth attempt is the last', () => {
      const delays = [1, 2, 3, 4, 5].map(retryDelayAfter);

      expect(delays).toEqual([60_000, 300_000, 1_800_000, 7_200_000, null]);
      expect(MAX_CHECK_ATTEMPTS).toBe(5);
    });
  });
});
