import type { Browser } from 'playwright-core';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { launchChromium } from './browser.ts';
import { startTestNats } from './nats.ts';
import { startProcessorProcess, type ProcessorProcess } from './processor-process.ts';
import { tempDir } from './temp-dir.ts';

export interface BrowserStack {
  dir: ReturnType<typeof tempDir>;
  nats: RunningNatsServer;
  proc: ProcessorProcess;
  browser: Browser;
  stop(): Promise<void>;
}

/** nats-server + the real processor (serving the built UI) + headless chromium, in a temp dir. */
export async function startBrowserStack(prefix: string): Promise<BrowserStack> {
  const dir = tempDir(prefix);
  const nats = await startTestNats(dir.path);
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
  const browser = await launchChromium();
  return {
    dir,
    nats,
    proc,
    browser,
    async stop() {
      await browser.close();
      await proc.stop();
      await nats.stop();
      dir.remove();
    },
  };
}
