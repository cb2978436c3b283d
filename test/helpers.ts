import { pino } from 'pino';
import type { Db } from '@voltlane/db';
import { loadConfig } from '@voltlane/core';
import { startVoltlane, type Voltlane } from '@voltlane/cli';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestServer {
  v: Voltlane;
  ws: string;
  /** Calls the API with the admin token; returns status and parsed JSON body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

/** Starts an all-in-one Voltlane on a random port over the given database. */
export async function startTestServer(db: Db, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({
    VOLTLANE_HTTP_PORT: '0',
    VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    VOLTLANE_LOG_LEVEL: process.env.VOLTLANE_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const v = await startVoltlane(config, { db, log: pino({ level: config.logLevel }) });
  return {
    v,
    ws: `${v.url.replace('http', 'ws')}/ocpp`,
    async api(method, path, body) {
      const res = await fetch(`${v.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop: () => v.stop(),
  };
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
