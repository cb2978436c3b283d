/** How long a firmware download or a log upload may take. */
const TRANSFER_TIMEOUT_MS = 60_000;

function httpUrl(location: string | URL): URL {
  const url = new URL(location);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${url.protocol} is not supported by the simulator; use an http(s) location`);
  }
  return url;
}

/**
 * Downloads a file (firmware) and returns its size in bytes; throws if the GET fails.
 * @example const bytes = await download('http://127.0.0.1:9000/fw/voltlane-2.0.bin');
 */
export async function download(location: string): Promise<number> {
  const res = await fetch(httpUrl(location), { signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`GET ${location} answered ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

/**
 * Uploads a text file with HTTP PUT (diagnostics, logs); throws if the PUT fails.
 * @example await upload(new URL('diagnostics-CP1.log', 'http://127.0.0.1:9000/upload/'), 'hello');
 */
export async function upload(url: string | URL, body: string): Promise<void> {
  const res = await fetch(httpUrl(url), {
    method: 'PUT',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`PUT ${String(url)} answered ${res.status}`);
}

/**
 * The URL a file named `fileName` is uploaded to, below the CSMS-given directory `location`.
 * @example uploadUrl('http://h/up', 'a.log').href // -> 'http://h/up/a.log'
 */
export function uploadUrl(location: string, fileName: string): URL {
  return new URL(fileName, location.endsWith('/') ? location : `${location}/`);
}

/**
 * The last path segment of a URL, used as the name of a downloaded file.
 * @example fileNameOf('http://h/fw/voltlane-2.1.bin?sig=1') // -> 'voltlane-2.1.bin'
 */
export function fileNameOf(location: string): string {
  try {
    const name = new URL(location).pathname.split('/').filter(Boolean).pop();
    return name ? decodeURIComponent(name) : 'firmware';
  } catch {
    return location.split('/').filter(Boolean).pop() ?? 'firmware';
  }
}
