import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { campaignBody } from '../helpers/factories';
import { freePorts } from '../helpers/ports';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const ROOT = path.join(__dirname, '..', '..');
const API_KEY = /sq_[A-Za-z0-9_-]{43}/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The admin CLI run as `npm run cli` runs it: a process of its own, on the test stack's database by default. */
describe('the admin CLI (npm run cli)', () => {
  let stack: TestStack;
  /** Everything the CLI printed, to check at the end that no key hash was ever among it. */
  const printed: string[] = [];
  const organizationIds: string[] = [];

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: stack.info.databaseUrl, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        printed.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      });
    });

  const json = async <T>(args: string[]): Promise<T> => {
    const run = await cli([...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  };

  const lists = (apiKey: string) => request(stack.app).get('/api/v1/lists').set('X-API-KEY', apiKey);

  /** Arranged through the service: the CLI is run for the behaviour under test only (each run starts a process). */
  const createOrganization = async (): Promise<{ organizationId: string; apiKey: string }> => {
    const created = await stack.newOrganization();
    organizationIds.push(created.organizationId);
    return created;
  };

  const keysOf = (organizationId: string) => stack.services.organizations.listKeys(organizationId);

  const listedKeys = (organizationId: string) =>
    json<{ id: string; name: string; key_prefix: string; revoked_at: string | null }[]>([
      'key',
      'list',
      organizationId,
    ]);

  describe('help and bad command lines', () => {
    it('when run with --help, help or nothing, then the usage lists every command with an example, exit 0', async () => {
      const runs = await Promise.all([cli(['--help']), cli(['help']), cli([])]);

      for (const run of runs) {
        expect(run.code).toBe(0);
        for (const command of [
          'org create <name>',
          'org list',
          'key list <organization-id>',
          'key create <organization-id>',
          'key revoke <organization-id> <key-id> [--force]',
          'key rotate <organization-id> <key-id>',
          'mailboxes [--org ORGANIZATION-ID]',
        ]) {
          expect(run.stdout).toContain(`  ${command}`);
        }
        expect(run.stdout).toContain('e.g. npm run cli -- org create');
      }
      expect(runs[1].stdout).toBe(runs[0].stdout);
    });

    it("when a command is given --help, then that command's usage, options and example are printed", async () => {
      const run = await cli(['key', 'revoke', '--help']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: npm run cli -- key revoke <organization-id> <key-id> [--force] [--json]');
      expect(run.stdout).toMatch(/--force\s+revoke even the organization's last active key/);
      expect(run.stdout).toContain('Example:');
    });

    it('when the command is unknown, then exit 2 with a message naming it and a pointer to --help', async () => {
      const run = await cli(['frobnicate']);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Unknown command "frobnicate"');
      expect(run.stderr).toContain('npm run cli -- --help');
    });

    it('when arguments are missing, malformed or unknown, then exit 2 naming the problem and the usage', async () => {
      const [missing, notUuid, unknownOption, badLimit, unknownSub] = await Promise.all([
        cli(['key', 'list']),
        cli(['key', 'revoke', 'acme', crypto.randomUUID()]),
        cli(['org', 'list', '--verbose']),
        cli(['org', 'create', 'Acme', '--monthly-limit', 'lots']),
        cli(['key', 'delete']),
      ]);

      for (const run of [missing, notUuid, unknownOption, badLimit, unknownSub]) {
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
      }
      expect(missing.stderr).toContain('Missing <organization-id>');
      expect(missing.stderr).toContain('Usage: npm run cli -- key list <organization-id>');
      expect(notUuid.stderr).toContain('<organization-id> must be an id (a UUID');
      expect(notUuid.stderr).toContain('npm run cli -- org list');
      expect(unknownOption.stderr).toContain('Unknown option --verbose');
      expect(badLimit.stderr).toContain('--monthly-limit must be a whole number');
      expect(unknownSub.stderr).toContain('Unknown command "key delete"; the key commands are: key list, key create');
    });
  });

  describe('organizations and keys', () => {
    it('when an organization is created, then its key (printed once) opens the API and org list shows it', async () => {
      const name = `cli-test-${crypto.randomUUID()}`;

      const run = await cli(['org', 'create', name, '--monthly-limit', '500']);

      expect(run.code).toBe(0);
      const apiKey = API_KEY.exec(run.stdout)?.[0];
      const organizationId = /id\s+([0-9a-f-]{36})/.exec(run.stdout)?.[1];
      expect(apiKey).toBeDefined();
      expect(run.stdout).toContain('only its hash is stored');
      organizationIds.push(organizationId!);
      await lists(apiKey!).expect(200);
      const organizations = await json<{ id: string; name: string; monthly_limit: number; active_keys: number }[]>([
        'org',
        'list',
      ]);
      expect(organizations).toContainEqual(
        expect.objectContaining({ id: organizationId, name, monthly_limit: 500, active_keys: 1 }),
      );
      const table = await cli(['org', 'list']);
      expect(table.stdout).toMatch(/^ID\s+NAME\s+MONTHLY LIMIT\s+ACTIVE KEYS\s+CREATED \(UTC\)$/m);
      expect(table.stdout).toMatch(new RegExp(`^${organizationId}\\s+${name}\\s+500\\s+1\\s+\\d{4}-`, 'm'));
    });

    it('when keys are listed, then each shows its prefix, never the key or its hash', async () => {
      const { organizationId, apiKey } = await createOrganization();

      const listed = await listedKeys(organizationId);
      const table = await cli(['key', 'list', organizationId]);

      expect(listed).toEqual([
        {
          id: expect.any(String),
          name: 'default',
          key_prefix: apiKey.slice(0, 10),
          created_at: expect.any(String),
          revoked_at: null,
        },
      ]);
      expect(table.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+CREATED \(UTC\)\s+REVOKED \(UTC\)$/m);
      expect(table.stdout).toContain(`${apiKey.slice(0, 10)}…`);
      expect(table.stdout).not.toContain(apiKey);
    });

    it('when a key is created, then it opens the API beside the first one', async () => {
      const { organizationId, apiKey } = await createOrganization();

      const created = await json<{ key_id: string; api_key: string }>([
        'key',
        'create',
        organizationId,
        '--name',
        'zapier',
      ]);

      await lists(created.api_key).expect(200);
      await lists(apiKey).expect(200);
      expect((await listedKeys(organizationId)).map((key) => key.name)).toEqual(['default', 'zapier']);
    });

    it('when a key is rotated, then the old key gets 401 and the new one (printed once) 200', async () => {
      const { organizationId, apiKey } = await createOrganization();
      const [old] = await keysOf(organizationId);

      const run = await cli(['key', 'rotate', organizationId, old!.id]);

      expect(run.code).toBe(0);
      const newKey = API_KEY.exec(run.stdout)?.[0];
      expect(newKey).toBeDefined();
      expect(newKey).not.toBe(apiKey);
      await lists(apiKey).expect(401);
      await lists(newKey!).expect(200);
      const after = await listedKeys(organizationId);
      expect(after).toHaveLength(2);
      expect(after.find((key) => key.id === old!.id)?.revoked_at).toEqual(expect.any(String));
      expect(after.find((key) => key.id !== old!.id)).toMatchObject({ name: 'default', revoked_at: null });
    });

    it("when the organization's last active key is revoked, then it is refused without --force and done with it", async () => {
      const { organizationId, apiKey } = await createOrganization();
      const [key] = await keysOf(organizationId);

      const refused = await cli(['key', 'revoke', organizationId, key!.id]);
      await lists(apiKey).expect(200);
      const forced = await cli(['key', 'revoke', organizationId, key!.id, '--force']);
      const again = await cli(['key', 'revoke', organizationId, key!.id]);

      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('lock the organization out of the API');
      expect(refused.stderr).toContain('--force');
      expect(forced.code).toBe(0);
      expect(forced.stdout).toContain(`API key ${key!.id} revoked`);
      await lists(apiKey).expect(401);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('was already revoked');
    });

    it('when another key remains, then revoking needs no --force', async () => {
      const { organizationId, apiKey } = await createOrganization();
      const created = await stack.services.organizations.createKey(organizationId, 'second');
      const [first] = await keysOf(organizationId);

      const run = await cli(['key', 'revoke', organizationId, first!.id]);

      expect(run.code).toBe(0);
      await lists(apiKey).expect(401);
      await lists(created.apiKey).expect(200);
    });

    it("when the key is another organization's or the organization does not exist, then exit 1 and nothing changes", async () => {
      const mine = await createOrganization();
      const theirs = await createOrganization();
      const [theirKey] = await keysOf(theirs.organizationId);

      const [foreignRevoke, foreignRotate, unknownOrganization] = await Promise.all([
        cli(['key', 'revoke', mine.organizationId, theirKey!.id, '--force']),
        cli(['key', 'rotate', mine.organizationId, theirKey!.id]),
        cli(['key', 'list', crypto.randomUUID()]),
      ]);

      expect(foreignRevoke).toMatchObject({ code: 1, stdout: '' });
      expect(foreignRevoke.stderr).toContain('API key not found');
      expect(foreignRotate).toMatchObject({ code: 1, stdout: '' });
      expect(unknownOrganization.code).toBe(1);
      expect(unknownOrganization.stderr).toContain('Organization not found');
      await lists(theirs.apiKey).expect(200);
    });
  });

  describe('mailboxes', () => {
    it("when an organization's campaign added a mailbox, then mailboxes lists it with its health", async () => {
      const { organizationId, apiKey } = await createOrganization();
      const body = campaignBody(stack.info, { dailyLimit: 40 });
      await request(stack.app).post('/api/v1/campaigns').set('X-API-KEY', apiKey).send(body).expect(201);

      const mailboxes = await json<Record<string, unknown>[]>(['mailboxes', '--org', organizationId]);

      expect(mailboxes).toEqual([
        {
          id: expect.any(String),
          organization_id: organizationId,
          label: 'Test SMTP',
          from_email: body.campaign.smtp_credentials[0]!.smtp_username,
          status: 'active',
          disabled_reason: null,
          smtp_error: null,
          smtp_error_at: null,
          daily_limit: 40,
          sent_today: 0,
          recent_sends: 0,
          recent_bounces: 0,
          bounce_rate_percent: null,
          bounce_rate_judged: false,
          imap_configured: false,
          imap_status: null,
          imap_error: null,
        },
      ]);
      const all = await json<{ id: string }[]>(['mailboxes']);
      expect(all.map((mailbox) => mailbox.id)).toContain(mailboxes[0]!.id);
    });

    it('when a mailbox is disabled, then the table shows its status and, below, the reason', async () => {
      const { organizationId, apiKey } = await createOrganization();
      await request(stack.app)
        .post('/api/v1/campaigns')
        .set('X-API-KEY', apiKey)
        .send(campaignBody(stack.info))
        .expect(201);
      for (const { mailbox } of await stack.db.repos.mailboxes.usageForOrganization(organizationId)) {
        await stack.db.repos.mailboxes.disable(mailbox.id, 'bounce rate 12.0% over 8%');
      }

      const run = await cli(['mailboxes', '--org', organizationId]);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^ID\s+FROM\s+STATUS\s+SENT TODAY\s+BOUNCE RATE\s+IMAP$/m);
      expect(run.stdout).toMatch(/^[0-9a-f-]{36}\s+\S+@sender\.test\s+disabled\s+0\/1000\s+no sends\s+none$/m);
      expect(run.stdout).toContain('disabled: bounce rate 12.0% over 8%');
    });
  });

  describe('the database', () => {
    it('when DATABASE_URL cannot be reached, then exit 1 naming DATABASE_URL, without its password', async () => {
      const [port] = await freePorts(1);

      const run = await cli(['org', 'list'], { DATABASE_URL: `postgres://admin:hunter2-secret@127.0.0.1:${port}/x` });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Could not open the database at DATABASE_URL');
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      expect(run.stderr).not.toContain('hunter2-secret');
    });

    describe('embedded under DATA_DIR (no DATABASE_URL)', () => {
      let dir: string;
      let port: number;
      const embedded = (args: string[]) =>
        cli(args, { DATABASE_URL: '', DATA_DIR: dir, EMBEDDED_POSTGRES_PORT: String(port) });

      beforeAll(async () => {
        dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-cli-'));
        // As root, Postgres runs as the `postgres` user, which must be able to reach its data directory.
        await fs.chmod(dir, 0o755);
        [port] = (await freePorts(1)) as [number];
      });

      afterAll(async () => {
        await fs.rm(dir, { recursive: true, force: true });
      });

      it('when no server runs from DATA_DIR, then the command starts one on a fresh directory and stops it after', async () => {
        const run = await embedded(['org', 'create', 'Embedded Inc']);

        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(API_KEY);
        await expect(fs.access(path.join(dir, 'postgres', 'server.pid'))).rejects.toThrow();
        const client = new pg.Client({ host: '127.0.0.1', port, connectionTimeoutMillis: 1_000 });
        await expect(client.connect()).rejects.toThrow();
        await client.end().catch(() => undefined);
      });

      it('when `npm start` runs the server, then the command uses it and leaves it running', async () => {
        const server = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/helpers/postgres-process.ts', path.join(dir, 'postgres'), String(port)],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
        try {
          const databaseUrl = await new Promise<string>((resolve, reject) => {
            server.stdout.once('data', (chunk: Buffer) =>
              resolve((JSON.parse(chunk.toString()) as { databaseUrl: string }).databaseUrl),
            );
            server.on('exit', (code) => reject(new Error(`postgres process exited with ${code}`)));
          });
          const pidBefore = await fs.readFile(path.join(dir, 'postgres', 'server.pid'), 'utf8');

          const run = await embedded(['org', 'list', '--json']);

          expect(run.code).toBe(0);
          expect((JSON.parse(run.stdout) as { name: string }[]).map((organization) => organization.name)).toEqual([
            'Embedded Inc',
          ]);
          expect(server.exitCode).toBeNull();
          expect(await fs.readFile(path.join(dir, 'postgres', 'server.pid'), 'utf8')).toBe(pidBefore);
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM organizations');
          await client.end();
          expect(rows[0]?.count).toBe('1');
        } finally {
          server.kill('SIGTERM');
          await exited;
        }
      });
    });
  });

  describe('secrets', () => {
    it('when all is done, then no output of the CLI ever contained an API key hash', async () => {
      const rows: { key_hash: string }[] = await stack.db.dataSource.query(
        'SELECT key_hash FROM api_keys WHERE organization_id = ANY($1::uuid[])',
        [organizationIds],
      );
      const output = printed.join('\n');

      expect(rows.length).toBeGreaterThan(organizationIds.length);
      for (const { key_hash: hash } of rows) expect(output).not.toContain(hash);
    });
  });
});
