// Drives the web phone page in headless Chromium. Prints one JSON line per step on stdout and
// reads commands ("hangup", "quit") on stdin, so the Java test can look at the relay mid-call.
// usage: node drive.mjs PAGE_URL WS_URL USER PASSWORD DOMAIN call TARGET | call-unregistered TARGET | answer
//        | push ENDPOINT P256DH AUTH   (subscribe as this WebPush subscription, sleep, wake on "push DATA")
import { chromium } from "playwright-core";
import readline from "node:readline";

const [pageUrl, wsUrl, user, password, domain, mode, target, p256dh, auth] = process.argv.slice(2);
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
  // No browser vendor's push service is reachable here: the subscription is the test's stand-in,
  // and its pushes are delivered to the service worker through DevTools, as a real one would be.
  let registrationId;
  const devtools = await context.newCDPSession(page);
  if (mode === "push") {
    await context.addInitScript(({ endpoint, p256dh, auth }) => {
      PushManager.prototype.subscribe = async function (options) {
        const key = String.fromCharCode(...new Uint8Array(options.applicationServerKey));
        window.applicationServerKey = btoa(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        return { endpoint, toJSON: () => ({ endpoint, keys: { p256dh, auth } }) };
      };
    }, { endpoint: target, p256dh, auth });
    devtools.on("ServiceWorker.workerRegistrationUpdated", (e) => {
      for (const r of e.registrations) if (!r.isDeleted) registrationId = r.registrationId;
    });
    await devtools.send("ServiceWorker.enable");
  }
  // The page loads SIP.js from the archive (./vendor/sip.js/), as served to a person.
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.phone !== undefined);
  const account = { server: wsUrl, user, domain, password };
  if (mode === "push") {
    await page.evaluate((o) => window.phone.registerWithPush(o), account);
    say({ step: "registered", applicationServerKey: await page.evaluate(() => window.applicationServerKey) });
    await page.evaluate(() => window.phone.sleep());
    say({ step: "sleeping" });
    const { value } = await commands.next();
    if (!value || !value.startsWith("push ")) throw new Error(`expected "push DATA", got ${value}`);
    await devtools.send("ServiceWorker.deliverPushMessage", { origin: new URL(pageUrl).origin, registrationId, data: value.slice(5) });
    await page.waitForFunction(() => window.phone.log.includes("registered again"), null, { timeout: 15000 });
    say({ step: "woken", log: await page.evaluate(() => window.phone.log.join(" / ")) });
  } else if (mode === "call-unregistered") {
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
