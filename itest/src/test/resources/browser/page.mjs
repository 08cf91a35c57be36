// One headless Chromium page driven by JSON commands on standard input, one JSON answer per line:
//   {"op":"goto","url":U}              -> {"status":200,"url":U}
//   {"op":"text","selector":S}         -> {"text":"..."} (null when absent)
//   {"op":"click","selector":S}        -> {"status":..,"url":..} after the navigation it causes
//   {"op":"screenshot","path":P}       -> {"ok":true}
//   {"op":"quit"}
// usage: node page.mjs USER PASSWORD  (HTTP Basic credentials for every request)
import { chromium } from "playwright-core";
import readline from "node:readline";

const [username, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await (await browser.newContext({ httpCredentials: { username, password } })).newPage();
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  const c = JSON.parse(line);
  try {
    if (c.op === "quit") break;
    if (c.op === "goto") {
      const r = await page.goto(c.url);
      say({ status: r.status(), url: page.url() });
    } else if (c.op === "text") {
      const e = await page.$(c.selector);
      say({ text: e ? await e.innerText() : null });
    } else if (c.op === "click") {
      const [r] = await Promise.all([page.waitForNavigation(), page.click(c.selector)]);
      say({ status: r ? r.status() : 0, url: page.url() });
    } else if (c.op === "screenshot") {
      await page.screenshot({ path: c.path, fullPage: true });
      say({ ok: true });
    }
  } catch (e) {
    say({ error: String(e) });
  }
}
await browser.close();
