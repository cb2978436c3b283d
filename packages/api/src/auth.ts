import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@voltlane/db';
import { sha256 } from '@voltlane/core';

/**
 * The admin bearer token. VOLTLANE_ADMIN_TOKEN wins; otherwise a token is generated on first
 * start, only its SHA-256 is stored, and it is returned once (`generated`) to be printed.
 * @example const { check, generated } = await setupAdminToken(db, process.env.VOLTLANE_ADMIN_TOKEN);
 */
export async function setupAdminToken(db: Db, fromEnv: string | undefined): Promise<{ check: (token: string) => boolean; generated?: string }> {
  let digest: string;
  let generated: string | undefined;
  if (fromEnv) digest = sha256(fromEnv);
  else {
    const row = await db.query<{ value: string }>(`select value from settings where key = 'admin_token_sha256'`);
    if (row.rows[0]) digest = row.rows[0].value;
    else {
      generated = `vl_${randomBytes(24).toString('base64url')}`;
      digest = sha256(generated);
      await db.query(`insert into settings (key, value) values ('admin_token_sha256', $1) on conflict (key) do nothing`, [digest]);
    }
  }
  const expected = Buffer.from(digest, 'hex');
  return {
    check: (token) => timingSafeEqual(Buffer.from(sha256(token), 'hex'), expected),
    ...(generated ? { generated } : {}),
  };
}
