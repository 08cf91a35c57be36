// Driven from a test (or a console): window.phone.register(...) or connect(...), call(...), hangup().
// SIP.js is loaded from ./vendor/sip.js/ (npm package sip.js, its lib/ folder).
import { UserAgent, Registerer, Inviter, SessionState } from "./vendor/sip.js/lib/index.js";

const state = document.getElementById("state");
const log = [];

function show(text) {
  state.textContent = text;
  log.push(text);
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
    const registerer = new Registerer(this.ua, { expires: 600 });
    const accepted = new Promise((resolve, reject) => {
      registerer.stateChange.addListener((s) => {
        if (s === "Registered") resolve();
      });
      setTimeout(() => reject(new Error("not registered within 10 s")), 10000);
    });
    await registerer.register();
    await accepted;
    show("registered");
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
