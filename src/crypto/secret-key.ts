import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The key that encrypts mailbox passwords and signs public tokens: `SECRET_KEY` when set, else the one generated
 * into `DATA_DIR/secret.key` on first start. Losing it makes stored mailbox passwords unreadable.
 */
export async function loadSecretKey(options: { secretKey: string | undefined; dataDir: string }): Promise<string> {
  if (options.secretKey) return options.secretKey.toLowerCase();
  const file = path.join(options.dataDir, 'secret.key');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(options.dataDir, { recursive: true });
  const key = crypto.randomBytes(32).toString('hex');
  try {
    // `wx` fails if another process created the file meanwhile; then that key wins.
    await fs.writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return (await fs.readFile(file, 'utf8')).trim();
  }
}
