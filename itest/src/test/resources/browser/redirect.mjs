// Opens one URL in headless Chromium and reports the first response as the browser saw it: its
// status and Location. A redirect to an app's scheme (sipphone://) is not followed by Chromium.
// usage: node redirect.mjs URL   -> {"status":301,"location":"sipphone://..."}
import { chromium } from "playwright-core";

const [url] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await (await browser.newContext()).newPage();
  const first = new Promise((resolve) => page.once("response", resolve));
  page.goto(url).catch(() => {}); // the app's scheme ends the navigation with an error, which is expected
  const response = await first;
  const headers = await response.allHeaders();
  process.stdout.write(JSON.stringify({ status: response.status(), location: headers["location"] ?? null,
    cacheControl: headers["cache-control"] ?? null }) + "\n");
} finally {
  await browser.close();
}
