/**
 * A small Chrome DevTools Protocol client for the workerd inspector that `wrangler dev`
 * exposes on `--inspector-port` (wrangler's inspector proxy: `GET /json` lists one target,
 * `ws://127.0.0.1:<port>/ws`, proxied to the user worker's isolate). Node 24's global
 * WebSocket; every call is bounded in time.
 */

export interface InspectorTarget {
  id: string;
  title: string;
  webSocketDebuggerUrl: string;
}

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
}

export interface Inspector {
  target: InspectorTarget;
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Events seen so far (methods in `keepEvents` only). */
  events: CdpEvent[];
  close(): void;
}

/** The inspector's targets; only loopback addresses are accepted. */
export async function listTargets(port: number): Promise<InspectorTarget[]> {
  const response = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`inspector GET /json answered ${response.status}`);
  const targets = (await response.json()) as InspectorTarget[];
  if (!Array.isArray(targets)) throw new Error("inspector GET /json did not answer a list");
  return targets;
}

/** Waits (bounded) for the inspector to list a target with a loopback WebSocket URL. */
export async function waitForTarget(port: number, timeoutMs = 20_000): Promise<InspectorTarget> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const targets = await listTargets(port);
      const target = targets.find((t) => isLoopback(t.webSocketDebuggerUrl));
      if (target) return target;
      last = `targets: ${JSON.stringify(targets).slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no inspector target on 127.0.0.1:${port} within ${timeoutMs / 1000} s (${last})`);
}

function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

export async function connectInspector(
  port: number,
  options: { keepEvents?: readonly string[]; timeoutMs?: number } = {},
): Promise<Inspector> {
  const target = await waitForTarget(port, options.timeoutMs);
  // Always 127.0.0.1, whatever host name the proxy put in the URL.
  const url = new URL(target.webSocketDebuggerUrl);
  url.hostname = "127.0.0.1";
  // The proxy wants an Origin from a loopback host when a User-Agent is sent.
  const socket = new WebSocket(url, { headers: { Origin: "http://127.0.0.1" } } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`inspector WebSocket ${url} did not open within 10 s`)), 10_000);
    socket.addEventListener("open", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`inspector WebSocket ${url} failed to open`));
    });
  });

  const keep = new Set(options.keepEvents ?? []);
  const events: CdpEvent[] = [];
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let closed = false;
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : Buffer.from(event.data as ArrayBuffer).toString("utf8");
    let message: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`inspector: ${message.error.message ?? JSON.stringify(message.error)}`));
      else waiter.resolve(message.result ?? {});
    } else if (message.method && keep.has(message.method)) {
      events.push({ method: message.method, params: message.params ?? {} });
    }
  });
  socket.addEventListener("close", () => {
    closed = true;
    for (const waiter of pending.values()) waiter.reject(new Error("inspector WebSocket closed"));
    pending.clear();
  });

  let nextId = 1;
  return {
    target,
    events,
    send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
      if (closed) return Promise.reject(new Error(`inspector WebSocket closed before ${method}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`inspector: no answer to ${method} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close() {
      if (!closed) socket.close();
    },
  };
}
