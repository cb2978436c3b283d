/** A small HTTP client for the users/auth tests: keeps the session cookie like a browser, or sends a bearer token. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

/** A browser-like client: stores `voltlane_session` from Set-Cookie and sends it back; sends the CSRF header unless told not to. */
export class Client {
  cookie: string | undefined;
  bearer: string | undefined;
  csrf = true;
  /** The raw Set-Cookie header of the last response that had one. */
  lastSetCookie: string | undefined;

  constructor(readonly base: string, opts: { bearer?: string; csrf?: boolean } = {}) {
    this.bearer = opts.bearer;
    if (opts.csrf !== undefined) this.csrf = opts.csrf;
  }

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = `voltlane_session=${this.cookie}`;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.csrf) h['x-voltlane-csrf'] = '1';
    const res = await fetch(`${this.base}${path}`, { method, headers: h, redirect: 'manual', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    for (const c of res.headers.getSetCookie()) {
      if (!c.startsWith('voltlane_session=')) continue;
      this.lastSetCookie = c;
      const value = c.slice('voltlane_session='.length).split(';')[0]!;
      this.cookie = value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c) ? undefined : value;
    }
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null; // CSV and other non-JSON bodies
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get(path: string) {
    return this.req('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.req('POST', path, body);
  }
  patch(path: string, body?: unknown) {
    return this.req('PATCH', path, body);
  }
  delete(path: string) {
    return this.req('DELETE', path);
  }

  /** Logs in; throws unless it worked. */
  async login(email: string, password: string): Promise<this> {
    const r = await this.post('/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
    return this;
  }
}

/**
 * Reads a Server-Sent Events stream until `until` is satisfied or `ms` passes; returns the events.
 * @example const events = await sse(url, { cookie }, 2000, (evs) => evs.length > 3);
 */
export async function collectSse(
  url: string, headers: Record<string, string>, ms: number, until: (events: { event: string; data: Json }[]) => boolean = () => false,
  onOpen?: () => Promise<void>,
): Promise<{ event: string; data: Json }[]> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  if (res.status !== 200) throw new Error(`SSE ${res.status}: ${await res.text()}`);
  const events: { event: string; data: Json }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const timer = setTimeout(() => ac.abort(), ms);
  const opened = onOpen?.();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (until(events)) break;
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  await opened;
  return events;
}
