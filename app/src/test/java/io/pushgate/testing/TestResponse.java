package io.pushgate.testing;

import java.io.IOException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipSession;
import javax.sip.message.Response;
import org.mobicents.servlet.sip.address.AddressImpl;
import org.mobicents.servlet.sip.message.Servlet3SipServletResponseImpl;

/** A response as the container would create it; send() records it on its request instead of sending. */
public final class TestResponse extends Servlet3SipServletResponseImpl {
    private final TestRequest request;
    private String remoteAddress;

    TestResponse(Response response, TestRequest request) {
        super(response, SipText.factory(), null, null, null, false, false);
        this.request = request;
    }

    @Override
    public AddressImpl.ModifiableRule getModifiableRule(String headerName) {
        return AddressImpl.ModifiableRule.Modifiable;
    }

    /** The container refuses it outside a proxy or dialog; here the body is simply replaced. */
    @Override
    public void setContent(Object content, String contentType) {
        SipText.setContent(getMessage(), content, contentType);
    }

    @Override
    public void send() throws IOException {
        request.sent(this);
    }

    @Override
    public SipServletRequest getRequest() { return request; }

    @Override
    public SipSession getSession(boolean create) { return request.getSession(create); }

    @Override
    public SipSession getSession() { return request.getSession(); }

    @Override
    public SipApplicationSession getApplicationSession(boolean create) { return request.getApplicationSession(create); }

    @Override
    public SipApplicationSession getApplicationSession() { return request.getApplicationSession(); }

    /** Where the response came from, as the container reports it (default: the request's source). */
    public TestResponse remoteAddress(String address) {
        this.remoteAddress = address;
        return this;
    }

    @Override
    public String getRemoteAddr() {
        return remoteAddress != null ? remoteAddress : request.getRemoteAddr();
    }

    /** All values of a header, in order. */
    public java.util.List<String> headers(String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var it = getHeaders(name); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
