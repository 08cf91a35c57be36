package io.pushgate.runtime;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The stack's TLS listener, with outbound connections that check the peer's certificate names
 * the host they were opened to (RFC 5922's domain check, as HTTPS does it: a DNS or IP subject
 * alternative name) and send that host as SNI. The stack makes its client engines without a host
 * name, so the JDK could check the chain only: a certificate from a trusted authority for any
 * other name was accepted.
 */
final class TlsListener extends NioTlsMessageProcessor {
    /** The host the connection being opened on this thread is for; the stack makes the engine inside that call. */
    private static final ThreadLocal<HostPort> OPENING = new ThreadLocal<>();

    TlsListener(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
    }

    @Override
    public void init() throws Exception {
        super.init();
        // The client context is package-private; the engines it makes are the only thing we change.
        Field client = NioTlsMessageProcessor.class.getDeclaredField("sslClientCtx");
        client.setAccessible(true);
        SSLContext stacks = (SSLContext) client.get(this);
        if (stacks != null) client.set(this, new HostChecking(stacks));
    }

    @Override
    public MessageChannel createMessageChannel(HostPort target) throws IOException {
        OPENING.set(target);
        try {
            return super.createMessageChannel(target);
        } finally {
            OPENING.remove();
        }
    }

    @Override
    public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
        if (OPENING.get() != null) return super.createMessageChannel(address, port);
        HostPort target = new HostPort();
        target.setHost(new gov.nist.core.Host(address.getHostAddress()));
        target.setPort(port);
        return createMessageChannel(target);
    }

    /** An SSL context whose engines are made for the host being connected to, with endpoint identification on. */
    static final class HostChecking extends SSLContext {
        HostChecking(SSLContext delegate) {
            super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;

        Spi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            HostPort target = OPENING.get();
            if (target == null) return delegate.createSSLEngine();
            String host = target.getHost().getHostname();
            // an IPv6 reference comes bracketed; the name check wants the bare address
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return engineCreateSSLEngine(host, target.getPort());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = delegate.createSSLEngine(host, port);
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            // the JDK names only dotted hosts by itself; a peer's single-label name is its name too
            boolean literal = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
            if (!literal) p.setServerNames(List.of(new SNIHostName(host)));
            engine.setSSLParameters(p);
            return engine;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            delegate.init(km, tm, sr);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
