// Signs up on the sign-up page in headless Chromium as a person would: a wrong answer first (the
// form comes back naming it), then the form filled again with the question answered.
// usage: node signup.mjs URL USER EMAIL PASSWORD -> one JSON line per submission
import { chromium } from "playwright-core";

const [url, user, email, password] = process.argv.slice(2);
const words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await (await browser.newContext()).newPage();
  const opened = await page.goto(url);
  if (opened.status() !== 200) throw new Error(`GET ${url}: ${opened.status()}`);
  for (const wrong of [true, false]) {
    await page.fill("#username", user);
    await page.fill("#email", email);
    await page.fill("#password", password);
    await page.fill("#password2", password);
    const [, a, b] = (await page.textContent("#question")).match(/What is (\w+) plus (\w+)\?/);
    const sum = words.indexOf(a) + words.indexOf(b);
    await page.fill("#answer", String(wrong ? sum + 1 : sum));
    const [response] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    const problem = await page.$("#problem-answer");
    const message = await page.$("#message");
    process.stdout.write(JSON.stringify({ status: response.status(), heading: await page.textContent("h1"),
      answerProblem: problem ? await problem.textContent() : null, message: message ? await message.textContent() : null }) + "\n");
  }
} finally {
  await browser.close();
}
