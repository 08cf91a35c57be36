package io.pushgate.testing;

import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.sip.message.Request;
import org.mobicents.servlet.sip.address.AddressImpl;
import org.mobicents.servlet.sip.message.Servlet3SipServletRequestImpl;

/**
 * A received request for a step under test: the container's own request class around a parsed
 * text, with a source address, in-memory sessions, a recording proxy, and the responses the step
 * sent kept in order instead of going out.
 */
public final class TestRequest extends Servlet3SipServletRequestImpl {
    private final TestSessions sessions;
    private final List<TestResponse> sent = new ArrayList<>();
    private String sourceAddress = "192.0.2.10";
    private int sourcePort = 5060;
    private String transport = "UDP";
    private Address poppedRoute;
    private RecordingProxy proxy;

    private TestRequest(Request request, TestSessions sessions) {
        super(request, SipText.factory(), null, null, null, false);
        this.sessions = sessions;
    }

    /** Parses the request text (lines may end in \n; Via, Max-Forwards and Content-Length are filled in when missing). */
    public static TestRequest of(String text) {
        return new TestRequest(SipText.request(withDefaults(text)), new TestSessions());
    }

    /** A request the stack has already parsed (the fuzzer's, which parses bytes as the stack does). */
    public static TestRequest of(Request parsed) {
        return new TestRequest(parsed, new TestSessions());
    }

    private static String withDefaults(String text) {
        String t = text.replace("\r\n", "\n");
        int eol = t.indexOf('\n');
        String first = t.substring(0, eol + 1);
        String rest = t.substring(eol + 1);
        String lower = rest.toLowerCase();
        if (!lower.startsWith("via:") && !lower.contains("\nvia:")) first += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK" + Long.toHexString(System.nanoTime()) + "\n";
        if (!lower.contains("max-forwards:")) first += "Max-Forwards: 70\n";
        return first + rest;
    }

    /** Sets where the request came from, as the container reports it. */
    public TestRequest from(String address, int port, String transport) {
        this.sourceAddress = address;
        this.sourcePort = port;
        this.transport = transport;
        return this;
    }

    /** The route the container popped on arrival (the request came along our Path or Record-Route). */
    public TestRequest poppedRoute(String address) throws javax.servlet.sip.ServletParseException {
        this.poppedRoute = SipText.factory().createAddress(address);
        return this;
    }

    /** Another request that the container would hand over with this one's sessions (a request in the same dialog). */
    public TestRequest inSameDialog(String text) {
        return new TestRequest(SipText.request(withDefaults(text)), sessions);
    }

    TestRequest copy() {
        TestRequest c = new TestRequest((Request) getMessage().clone(), sessions);
        c.from(sourceAddress, sourcePort, transport);
        return c;
    }

    void sent(TestResponse r) {
        sent.add(r);
    }

    /** All values of a header, in order. */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>();
        for (var it = getHeaders(name); it.hasNext(); ) out.add(it.next());
        return out;
    }

    /** Every response sent, in order. */
    public List<TestResponse> responses() { return sent; }

    /** The last response sent, or null. */
    public TestResponse response() {
        return sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }

    /** The proxy, once a step asked for it; null otherwise. */
    public RecordingProxy proxy() { return proxy; }

    /** Attributes the steps put on the application session. */
    public Object applicationAttribute(String name) { return sessions.applicationAttributes.get(name); }

    public boolean sessionsInvalidated() { return !sessions.applicationValid; }

    @Override
    public AddressImpl.ModifiableRule getModifiableRule(String headerName) {
        return AddressImpl.ModifiableRule.Modifiable;
    }

    @Override
    public SipServletResponse createResponse(int status) {
        return createResponse(status, null);
    }

    @Override
    public SipServletResponse createResponse(int status, String reason) {
        javax.sip.message.Response response = SipText.response(status, (Request) getMessage());
        javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) response.getHeader(javax.sip.header.ToHeader.NAME);
        if (status > 100 && to.getTag() == null) {
            try {
                to.setTag("uas" + Integer.toHexString(System.identityHashCode(this))); // as the container tags its answers
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        if (reason != null) {
            try {
                response.setReasonPhrase(reason);
            } catch (java.text.ParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return new TestResponse(response, this);
    }

    @Override
    public javax.servlet.sip.Proxy getProxy() {
        if (proxy == null) proxy = new RecordingProxy(this);
        return proxy.proxy;
    }

    @Override
    public javax.servlet.sip.Proxy getProxy(boolean create) {
        return create || proxy != null ? getProxy() : null;
    }

    /** The container allows it once the request is proxied; here the body is simply replaced. */
    @Override
    public void setContent(Object content, String contentType) {
        SipText.setContent(getMessage(), content, contentType);
    }

    @Override
    public Address getPoppedRoute() { return poppedRoute; }

    @Override
    public boolean isInitial() { return true; }

    @Override
    public SipSession getSession(boolean create) { return sessions.session; }

    @Override
    public SipSession getSession() { return sessions.session; }

    @Override
    public SipApplicationSession getApplicationSession(boolean create) { return sessions.application; }

    @Override
    public SipApplicationSession getApplicationSession() { return sessions.application; }

    @Override
    public String getInitialRemoteAddr() { return sourceAddress; }

    @Override
    public int getInitialRemotePort() { return sourcePort; }

    @Override
    public String getInitialTransport() { return transport; }

    @Override
    public String getRemoteAddr() { return sourceAddress; }

    @Override
    public int getRemotePort() { return sourcePort; }

    @Override
    public String getTransport() { return transport; }
}
