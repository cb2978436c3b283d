import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { migrate, type Db } from '@voltlane/db';
import { AppError, MIN_PASSWORD_LENGTH, UserService, type Logger } from '@voltlane/core';

export const USERS_USAGE = `Usage:
  voltlane users create-admin --email E [--name N]
      Create an admin user (the first one, or another). The password is asked for, or taken from
      VOLTLANE_NEW_PASSWORD (for scripts). Then log in at http://HOST:PORT/app/.
  voltlane users set-password --email E
      Set a user's password (same prompt or VOLTLANE_NEW_PASSWORD); logs them out everywhere.
  voltlane users list
      All users with their role.`;

/** How the command reads a password: VOLTLANE_NEW_PASSWORD, else a hidden prompt (asked twice) or a line from a pipe. */
export type PasswordSource = () => Promise<string>;

/**
 * The `voltlane users` command, on the configured database (migrated first).
 * @example await runUsersCli(['create-admin', '--email', 'me@example.com'], db, log);
 */
export async function runUsersCli(
  argv: string[], db: Db, log: Logger, opts: { out?: (line: string) => void; password?: PasswordSource } = {},
): Promise<number> {
  const out = opts.out ?? console.log;
  const [sub, ...rest] = argv;
  let values: { email?: string | undefined; name?: string | undefined };
  try {
    ({ values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true }));
  } catch (e) {
    out(`${(e as Error).message}\n\n${USERS_USAGE}`);
    return 2;
  }
  if (!sub || sub === 'help' || !['create-admin', 'set-password', 'list'].includes(sub)) {
    out(USERS_USAGE);
    return sub === undefined || sub === 'help' ? 0 : 2;
  }
  await migrate(db);
  const users = new UserService({ db, log });
  const password = opts.password ?? readPassword;
  try {
    if (sub === 'list') {
      const { items, total } = await users.list({ limit: 1000 });
      if (!total) out('No users yet: create the first admin with `voltlane users create-admin --email you@example.com`');
      for (const u of items) out(`${String(u.id).padStart(5)}  ${u.role.padEnd(8)}  ${u.email}${u.name ? ` (${u.name})` : ''}${u.disabled ? '  [disabled]' : ''}`);
      if (total > items.length) out(`... and ${total - items.length} more (see GET /api/v1/users)`);
      return 0;
    }
    if (!values.email) {
      out(`--email is required\n\n${USERS_USAGE}`);
      return 2;
    }
    if (sub === 'create-admin') {
      const u = await users.create({ email: values.email, name: values.name ?? null, role: 'admin', password: await password() });
      out(`Admin ${u.email} created (id ${u.id}). Log in at /app/ with this email and password.`);
      return 0;
    }
    const u = await users.byEmail(values.email);
    if (!u) {
      out(`No user with email ${values.email}; \`voltlane users list\` shows them`);
      return 1;
    }
    await users.update(u.id, { password: await password() });
    out(`Password of ${u.email} changed; their sessions were ended.`);
    return 0;
  } catch (e) {
    if (e instanceof AppError || e instanceof PasswordError) {
      out(e.message);
      return 1;
    }
    throw e;
  }
}

class PasswordError extends Error {}

/** VOLTLANE_NEW_PASSWORD, else a hidden prompt on a terminal (asked twice), else the first line of stdin. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.VOLTLANE_NEW_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new PasswordError('No password given: type it at the prompt, pipe it on stdin, or set VOLTLANE_NEW_PASSWORD');
  }
  const first = await hiddenPrompt(`New password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  const second = await hiddenPrompt('Repeat it: ');
  if (first !== second) throw new PasswordError('The two passwords differ; nothing was changed');
  return first;
}

function hiddenPrompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Echo nothing but the question while the password is typed.
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) {
        asked = true;
        out.output.write(s);
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
