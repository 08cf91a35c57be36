// Driven from a test (or a console): window.phone.register(...) or connect(...), call(...), hangup();
// registerWithPush(...) subscribes to WebPush and registers with the subscription (RFC 8599), sleep()
// drops the connection as a closed tab would, and a push (through sw.js) wakes the page to register.
// SIP.js is served from ./vendor/sip.js/: the build puts the npm package's lib/ there (app/pom.xml).
import { UserAgent, Registerer, Inviter, SessionState } from "./vendor/sip.js/lib/index.js";

const state = document.getElementById("state");
const log = [];

function show(text) {
  state.textContent = text;
  log.push(text);
}

function bytesOfBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function attachMedia(session) {
  const pc = session.sessionDescriptionHandler.peerConnection;
  const stream = new MediaStream();
  pc.getReceivers().forEach((r) => r.track && stream.addTrack(r.track));
  document.getElementById("remote").srcObject = stream;
}

window.phone = {
  log,
  ua: null,
  session: null,
  // Connects over the WebSocket without registering (a caller needs no registration).
  registerer: null,
  options: null,
  async connect({ server, user, domain, password }) {
    this.ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${user}@${domain}`),
      transportOptions: { server },
      authorizationUsername: user,
      authorizationPassword: password,
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] } },
      delegate: {
        onInvite: async (invitation) => {
          this.session = invitation;
          this.watch(invitation);
          await invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
        },
      },
    });
    await this.ua.start();
    show("connected");
  },
  async register(options) {
    await this.connect(options);
    this.registerer = new Registerer(this.ua, { expires: 600 });
    await this.registered();
    show("registered");
  },
  // Sends the REGISTER and resolves once it is accepted, with the Feature-Caps of the 200.
  registered() {
    const registerer = this.registerer;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("not registered within 10 s")), 10000);
      registerer.register({
        requestDelegate: {
          onAccept: (response) => {
            clearTimeout(timer);
            resolve(response.message.getHeaders("feature-caps"));
          },
          onReject: (response) => {
            if (response.message.statusCode >= 300 && ![401, 407].includes(response.message.statusCode)) {
              clearTimeout(timer);
              reject(new Error(`REGISTER refused: ${response.message.statusCode}`));
            }
          },
        },
      });
    });
  },
  // Registers, subscribes to WebPush with the VAPID key the server's 200 names (sip.vapid), and
  // registers again carrying the subscription, so that a call can wake the page.
  async registerWithPush(options) {
    this.options = options;
    await this.connect(options);
    const contact = this.ua.contact.uri;
    contact.setParam("pn-provider", "webpush"); // alone, it asks for the VAPID key (RFC 8599)
    this.registerer = new Registerer(this.ua, { expires: 600 });
    const caps = await this.registered();
    const vapid = caps.map((c) => /\+sip\.vapid="([^"]+)"/.exec(c)).find((m) => m);
    if (!vapid) throw new Error("the server offers no WebPush (no sip.vapid in its answer)");
    const worker = await navigator.serviceWorker.register("sw.js");
    await navigator.serviceWorker.ready;
    const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytesOfBase64Url(vapid[1]) });
    const { endpoint, keys } = subscription.toJSON();
    contact.setParam("pn-prid", encodeURIComponent(endpoint));
    contact.setParam("pn-param", `${keys.p256dh}.${keys.auth}`);
    await this.registered();
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.push) this.wake(event.data.push);
    });
    show("registered with push");
  },
  // What a closed tab does: the connection goes, the registration is not withdrawn.
  async sleep() {
    await this.ua.transport.disconnect();
    show("sleeping");
  },
  async wake(push) {
    show(`woken by a ${push.type} push`);
    await this.ua.reconnect();
    await this.registered();
    show("registered again");
  },
  watch(session) {
    session.stateChange.addListener((s) => {
      show(`session ${s}`);
      if (s === SessionState.Established) attachMedia(session);
    });
  },
  async call(target) {
    const inviter = new Inviter(this.ua, UserAgent.makeURI(target), {
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    this.session = inviter;
    this.watch(inviter);
    await inviter.invite();
  },
  established() {
    return this.session !== null && this.session.state === SessionState.Established;
  },
  remoteSdp() {
    return this.session.sessionDescriptionHandler.peerConnection.remoteDescription.sdp;
  },
  async rtpStats() {
    const stats = await this.session.sessionDescriptionHandler.peerConnection.getStats();
    let sent = 0;
    let received = 0;
    stats.forEach((r) => {
      if (r.type === "outbound-rtp" && r.kind === "audio") sent += r.packetsSent;
      if (r.type === "inbound-rtp" && r.kind === "audio") received += r.packetsReceived;
    });
    return { sent, received };
  },
  async hangup() {
    if (this.session.state === SessionState.Established) await this.session.bye();
  },
};
show("ready");
