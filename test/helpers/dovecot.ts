import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

/** Every user name logs in with this password; anything else is an ordinary authentication failure. */
export const DOVECOT_PASSWORD = 'imap-test-password';

export interface DovecotInfo {
  host: '127.0.0.1';
  port: number;
  password: string;
  dir: string;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;

// Everything below is derived from `dir` alone: tests (Jest workers) and global teardown are other processes than
// the global setup that started the server, so nothing may live in this module's memory.
const files = (dir: string) => ({
  config: path.join(dir, 'dovecot.conf'),
  settings: path.join(dir, 'fixture.json'),
  log: path.join(dir, 'dovecot.log'),
  stderr: path.join(dir, 'dovecot.stderr'),
  baseDir: path.join(dir, 'run'),
  pid: path.join(dir, 'run', 'master.pid'),
  stateDir: path.join(dir, 'state'),
  mail: path.join(dir, 'mail'),
});
type Paths = ReturnType<typeof files>;

/** Writes the config into `dir` (created if missing) and starts a daemonized dovecot; resolves when it greets on the port. */
export async function startDovecot(options: { dir: string; port: number }): Promise<DovecotInfo> {
  const dir = path.resolve(options.dir);
  const paths = files(dir);
  const binary = await dovecotBinary();
  const accounts = await serviceAccounts();
  await fs.mkdir(paths.mail, { recursive: true });
  if (os.userInfo().uid === 0) await assertReachableByOthers(dir);
  await fs.mkdir(paths.stateDir, { recursive: true });
  // The mailboxes are written by the mail user, not by whoever runs the tests.
  await fs.chown(paths.mail, accounts.mailUid, accounts.mailGid);
  await fs.writeFile(paths.config, dovecotConfig(paths, options.port, accounts));
  await fs.writeFile(paths.settings, JSON.stringify({ port: options.port }));
  await launch(binary, dir, options.port);
  return { host: HOST, port: options.port, password: DOVECOT_PASSWORD, dir };
}

/** Stops the instance running from `dir` (no error if none). Waits until the port is closed. */
export async function stopDovecot(dir: string): Promise<void> {
  const paths = files(path.resolve(dir));
  const pid = Number.parseInt(await fs.readFile(paths.pid, 'utf8').catch(() => ''), 10);
  // The daemonized master leads a process group of its own that all its children share. Signalling the master
  // alone leaves busy imap processes behind for seconds, so the whole group goes at once.
  if (!Number.isInteger(pid) || !(await groupRunning(pid))) return;
  process.kill(-pid, 'SIGTERM');
  await waitFor(async () => !(await groupRunning(pid)), 'the dovecot processes to exit', paths.log);
  const { port } = await readSettings(dir);
  await waitFor(async () => !(await accepts(port)), `port ${port} to close`, paths.log);
}

/** stop + start with the same config and port. */
export async function restartDovecot(dir: string): Promise<void> {
  const resolved = path.resolve(dir);
  const { port } = await readSettings(resolved);
  await stopDovecot(resolved);
  await launch(await dovecotBinary(), resolved, port);
}

/**
 * Makes the next session see a new UIDVALIDITY for that user's folder, as after a server migration: with the
 * uid list and indexes gone, Dovecot rebuilds them from the Maildir files and takes the next UIDVALIDITY from the
 * `dovecot-uidvalidity` counter it keeps in the user's root, so the messages survive under new UIDs.
 */
export async function resetUidValidity(dir: string, user: string, folder = 'INBOX'): Promise<void> {
  const resolved = path.resolve(dir);
  const { port } = await readSettings(resolved);
  // Dovecot lowercases user names (auth_username_format = %Lu); Maildir++ keeps INBOX in the root, others in `.<name>`.
  const root = path.join(files(resolved).mail, user.toLowerCase());
  const folderDir = folder.toUpperCase() === 'INBOX' ? root : path.join(root, `.${folder}`);
  await fs.access(folderDir); // fail before stopping the server
  await stopDovecot(resolved);
  const inDir = async (where: string, stale: (name: string) => boolean) =>
    (await fs.readdir(where)).filter(stale).map((name) => path.join(where, name));
  const staleFiles = [
    ...(await inDir(folderDir, (name) => name === 'dovecot-uidlist' || name.startsWith('dovecot.index'))),
    // The mailbox list index caches every folder's UIDVALIDITY too; Dovecot rebuilds it.
    ...(await inDir(root, (name) => name.startsWith('dovecot.list.index'))),
  ];
  await Promise.all(staleFiles.map((file) => fs.rm(file, { force: true })));
  await launch(await dovecotBinary(), resolved, port);
}

async function launch(binary: string, dir: string, port: number): Promise<void> {
  const paths = files(dir);
  // Without -F the master daemonizes, so it outlives the process that started it and any process can stop it. The
  // daemon keeps its stderr open for good: a pipe would never close, so stderr goes to a file next to the log.
  const stderr = await fs.open(paths.stderr, 'w');
  try {
    const child = spawn(binary, ['-c', paths.config], { stdio: ['ignore', 'ignore', stderr.fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`dovecot failed to start (exit code ${code})\n${await logTail(paths.stderr)}`);
  } finally {
    await stderr.close();
  }
  await waitFor(() => greets(port), `dovecot to greet on ${HOST}:${port}`, paths.log);
}

interface ServiceAccounts {
  internalUser: string;
  /** Owns the sockets of the internal services. */
  internalGroup: string;
  loginUser: string;
  /** Who owns the mailboxes. Only root may choose, and Dovecot refuses to keep mail as root. */
  mailUid: number;
  mailGid: number;
}

async function serviceAccounts(): Promise<ServiceAccounts> {
  const me = os.userInfo();
  if (me.uid !== 0) {
    // An ordinary user cannot switch users: every service runs as ourselves.
    const groups = await readTable('/etc/group');
    const group = groups.find((fields) => Number(fields[2]) === me.gid)?.[0] ?? String(me.gid);
    return {
      internalUser: me.username,
      internalGroup: group,
      loginUser: me.username,
      mailUid: me.uid,
      mailGid: me.gid,
    };
  }
  const passwd = await readTable('/etc/passwd');
  const find = (name: string) => passwd.find((fields) => fields[0] === name);
  const mail = find('mail') ?? find('nobody');
  if (!mail) throw new Error('Dovecot as root needs an unprivileged `mail` or `nobody` user in /etc/passwd');
  // The accounts the Debian package creates; Dovecot wants the login processes apart from its internal ones.
  const internalUser = find('dovecot') ? 'dovecot' : 'nobody';
  const loginUser = find('dovenull') ? 'dovenull' : 'nobody';
  const internalGroup = (await readTable('/etc/group')).some((fields) => fields[0] === 'dovecot')
    ? 'dovecot'
    : 'nogroup';
  return { internalUser, internalGroup, loginUser, mailUid: Number(mail[2]), mailGid: Number(mail[3]) };
}

/** As root, the mail and login users (not root) must reach the mailboxes and sockets inside `dir`. */
async function assertReachableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    if (((await fs.stat(current)).mode & 0o001) === 0) {
      throw new Error(`Dovecot's users cannot reach ${dir}: ${current} needs \`chmod o+x\` (mkdtemp makes 0700)`);
    }
    if (current === path.dirname(current)) return;
  }
}

async function readTable(file: string): Promise<string[][]> {
  return (await fs.readFile(file, 'utf8')).split('\n').map((line) => line.split(':'));
}

function dovecotConfig(paths: Paths, port: number, accounts: ServiceAccounts): string {
  // %u keeps the whole address (mb-…@imap.test) as one directory name.
  const mailRoot = path.join(paths.mail, '%u');
  const folder = (name: string, specialUse: string) =>
    `  mailbox ${name} {\n    special_use = \\${specialUse}\n    auto = subscribe\n  }`;
  return `# Written by test/helpers/dovecot.ts: a throwaway IMAP server for the integration tests.
base_dir = ${paths.baseDir}
state_dir = ${paths.stateDir}
instance_name = dovecot-test-${port}
log_path = ${paths.log}
# Why a login failed, in the log.
auth_verbose = yes
protocols = imap
listen = ${HOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password fails within 0.5 s instead of 2 s.
auth_failure_delay = 0
default_internal_user = ${accounts.internalUser}
default_internal_group = ${accounts.internalGroup}
default_login_user = ${accounts.loginUser}
mail_uid = ${accounts.mailUid}
mail_gid = ${accounts.mailGid}
# The default (500) would reject system accounts such as mail (uid 8).
first_valid_uid = ${accounts.mailUid}
first_valid_gid = ${accounts.mailGid}

passdb {
  driver = static
  args = password=${DOVECOT_PASSWORD}
}
userdb {
  driver = static
  args = home=${mailRoot}
}
mail_location = maildir:${mailRoot}
# Throwaway mail: no need to wait for the disk.
mail_fsync = never
# Tests open several connections per mailbox (worker, monitor, assertions).
mail_max_userip_connections = 100
# IDLE reports new mail within a second; "still here" notices keep idle connections alive.
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 30 secs

namespace inbox {
  inbox = yes
${folder('Junk', 'Junk')}
${folder('Sent', 'Sent')}
${folder('Trash', 'Trash')}
${folder('Drafts', 'Drafts')}
}

service imap-login {
  # No chroot: it needs root, and a test directory is trusted anyway.
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # No auth penalty: after one wrong password, every login from 127.0.0.1 would wait up to 15 s, slowing later tests.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

async function dovecotBinary(): Promise<string> {
  const candidates = [
    '/usr/sbin/dovecot',
    ...(process.env.PATH ?? '').split(path.delimiter).map((entry) => path.join(entry, 'dovecot')),
  ];
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not there: try the next one.
    }
  }
  throw new Error('Dovecot is required for the IMAP tests: apt-get install dovecot-imapd (.ci/run installs it)');
}

async function readSettings(dir: string): Promise<{ port: number }> {
  return JSON.parse(await fs.readFile(files(dir).settings, 'utf8')) as { port: number };
}

/** Whether a process of the group still runs. Zombies don't count: reaping them is up to init, which may be slow. */
async function groupRunning(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Only Linux tells zombies apart, through /proc; elsewhere a process that exists is running.
  const pids = await fs.readdir('/proc').catch(() => undefined);
  if (!pids) return true;
  for (const pid of pids.filter((name) => /^\d+$/.test(name))) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // After "pid (command) ": state, ppid, pgrp, …
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z') return true;
  }
  return false;
}

/** True once the server sends its `* OK` greeting; false if the connection is refused or says anything else. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let received = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) done(received.startsWith('* OK'));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitFor(condition: () => Promise<boolean>, what: string, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}\n${await logTail(logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function logTail(logPath: string): Promise<string> {
  const log = await fs.readFile(logPath, 'utf8').catch(() => '');
  return `--- last lines of ${logPath} ---\n${log.split('\n').slice(-30).join('\n')}`;
}

/** Delivers a raw message into a Dovecot user's folder (APPEND), as a mail server would. */
export async function deliverToImap(
  imap: { host: string; port: number; password: string },
  user: string,
  raw: Buffer,
  folder = 'INBOX',
): Promise<void> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: imap.password },
    logger: false,
  });
  await client.connect();
  try {
    await client.append(folder, raw);
  } finally {
    await client.logout();
  }
}
