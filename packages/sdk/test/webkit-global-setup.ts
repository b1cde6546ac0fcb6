/**
 * The WebKit browser tier's engine: an X server and WebKitWebDriver on the port vitest.config.ts chose. Both are
 * killed with their process groups (MiniBrowser and WebKit's helpers included) when vitest exits, not in a
 * teardown: vitest runs global teardowns before its browser provider ends the WebDriver session.
 */
import { startWebKitDriver, startXvfb } from '../../../engines.ts';

export default async function setup(): Promise<void> {
  const xvfb = await startXvfb();
  const driver = await startWebKitDriver(Number(process.env.WEBKIT_DRIVER_PORT), xvfb.display, { log: process.env.WEBKIT_DRIVER_LOG });
  process.once('exit', () => {
    driver.kill();
    xvfb.kill();
  });
}
