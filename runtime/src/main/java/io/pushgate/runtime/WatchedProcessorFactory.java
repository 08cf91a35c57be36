package io.pushgate.runtime;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;

/**
 * The stack's NIO listeners, with WebSocket listeners that report each closed connection to
 * {@link ConnectionWatch} (the stack calls remove(channel) on its processor when a connection
 * closes, from either side; it has no listener API for that), the {@link UdpListener} and the
 * {@link TlsListener}.
 */
public final class WatchedProcessorFactory extends NioMessageProcessorFactory {

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport)
            throws IOException {
        if ("udp".equalsIgnoreCase(transport)) return new UdpListener(address, stack, port);
        if ("tls".equalsIgnoreCase(transport)) return new TlsListener(address, stack, port);
        if ("ws".equalsIgnoreCase(transport)) {
            return new NioWebSocketMessageProcessor(address, stack, port) {
                @Override
                protected synchronized void remove(ConnectionOrientedMessageChannel channel) {
                    super.remove(channel);
                    ConnectionWatch.closed("ws", channel.getPeerAddress(), channel.getPeerPort());
                }
            };
        }
        if ("wss".equalsIgnoreCase(transport)) {
            return new NioTlsWebSocketMessageProcessor(address, stack, port) {
                @Override
                protected synchronized void remove(ConnectionOrientedMessageChannel channel) {
                    super.remove(channel);
                    ConnectionWatch.closed("wss", channel.getPeerAddress(), channel.getPeerPort());
                }
            };
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }
}
