/**
 * A minimal W3C WebDriver classic client for WebKit (Playwright cannot drive WebKitGTK): a session of WebKitWebDriver
 * + MiniBrowser on its own Xvfb display, `goto` and `evaluate` (an async script), and a close that kills the driver's
 * whole process group: after a WebProcess crash MiniBrowser keeps the driver's pipes open and nothing else ends it.
 */
import { ENGINE_CRASH_MESSAGE, type EngineProcess, startWebKitDriver, startXvfb, webkitCapabilities } from '../engines.ts';

export interface WebKitPage {
  goto(url: string): Promise<void>;
  /** Runs `body` (the text of an async function body) in the page and resolves with its JSON result. */
  evaluate<T>(body: string): Promise<T>;
  close(): Promise<void>;
}

/** Thrown when WebKitWebDriver reports the WebProcess crash: the one failure the runners retry. */
export class EngineCrash extends Error {}

export async function openWebKit(port: number): Promise<WebKitPage> {
  const xvfb = await startXvfb();
  let driver: EngineProcess & { url: string };
  try {
    driver = await startWebKitDriver(port, xvfb.display);
  } catch (error) {
    await xvfb.close();
    throw error;
  }
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${driver.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { value: T & { error?: string; message?: string } };
    if (json.value && typeof json.value === 'object' && 'error' in json.value && json.value.error) {
      const message = `${json.value.error}: ${json.value.message}`;
      throw message.includes(ENGINE_CRASH_MESSAGE) ? new EngineCrash(message) : new Error(message);
    }
    return json.value;
  };
  const { sessionId } = await call<{ sessionId: string }>('POST', '/session', {
    capabilities: { alwaysMatch: webkitCapabilities() },
  });
  await call('POST', `/session/${sessionId}/timeouts`, { script: 60_000, pageLoad: 30_000 });
  return {
    goto: (url) => call('POST', `/session/${sessionId}/url`, { url }),
    evaluate: (body) =>
      call('POST', `/session/${sessionId}/execute/async`, {
        script: `const done = arguments[arguments.length - 1]; (async () => { ${body} })().then(done, (e) => done({ __error: String(e) }));`,
        args: [],
      }),
    async close() {
      await call('DELETE', `/session/${sessionId}`).catch(() => undefined);
      await driver.close();
      await xvfb.close();
    },
  };
}
