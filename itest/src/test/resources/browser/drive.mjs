// Drives the web phone page in headless Chromium. Prints one JSON line per step on stdout and
// reads commands ("hangup", "quit") on stdin, so the Java test can look at the relay mid-call.
// usage: node drive.mjs PAGE_URL WS_URL USER PASSWORD DOMAIN call TARGET | call-unregistered TARGET | answer
import { chromium } from "playwright-core";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const [pageUrl, wsUrl, user, password, domain, mode, target] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const sipjs = path.join(here, "node_modules", "sip.js");
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--ignore-certificate-errors", "--no-sandbox"],
});
const lines = readline.createInterface({ input: process.stdin });
const commands = lines[Symbol.asyncIterator]();
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.on("console", (m) => process.stderr.write(`page: ${m.text()}\n`));
  // The page loads SIP.js from ./vendor/sip.js/; here it comes from the npm package.
  await page.route("**/vendor/sip.js/**", (route) => {
    const rel = new URL(route.request().url()).pathname.split("/vendor/sip.js/")[1];
    route.fulfill({ path: path.join(sipjs, rel), contentType: "text/javascript" });
  });
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.phone !== undefined);
  const account = { server: wsUrl, user, domain, password };
  if (mode === "call-unregistered") {
    await page.evaluate((o) => window.phone.connect(o), account);
    say({ step: "connected" });
  } else {
    await page.evaluate((o) => window.phone.register(o), account);
    say({ step: "registered" });
  }
  if (mode.startsWith("call")) await page.evaluate((t) => window.phone.call(t), target);
  await page.waitForFunction(() => window.phone.established(), null, { timeout: 20000 });
  say({ step: "established", remoteSdp: await page.evaluate(() => window.phone.remoteSdp()) });
  for (;;) {
    const { value, done } = await commands.next();
    if (done || value === "quit") break;
    if (value === "stats") say({ step: "stats", ...(await page.evaluate(() => window.phone.rtpStats())) });
    if (value === "hangup") {
      await page.evaluate(() => window.phone.hangup());
      say({ step: "hungup" });
    }
    if (value === "ended") {
      await page.waitForFunction(() => window.phone.log.includes("session Terminated"), null, { timeout: 10000 });
      say({ step: "ended" });
    }
  }
} catch (e) {
  say({ step: "error", message: String(e && e.stack ? e.stack : e) });
} finally {
  // A phone that goes away unregisters, so the next test's calls do not fork to a closed connection.
  try {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) await page.evaluate(() => window.phone?.ua?.stop());
  } catch (e) {
    process.stderr.write(`stop: ${e}\n`);
  }
  await browser.close();
  lines.close();
}
