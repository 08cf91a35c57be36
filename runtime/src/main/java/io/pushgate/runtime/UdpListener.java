package io.pushgate.runtime;

import gov.nist.core.HostPort;
import gov.nist.core.ThreadAuditor;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.BlockingQueueDispatchAuditor;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedList;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's UDP listener, receiving into one buffer and handing each datagram on at its own
 * size. The stack's listener allocates a new buffer of the largest message size (64 KB) for every
 * datagram: at a few thousand datagrams a second that was most of what the server allocated, and
 * the young collections it caused set the latency tail (bench/push-server-handback.py). The
 * datagrams of one call go to the stack's workers one at a time, in order ({@link CallOrderedQueue});
 * the workers and the parsing are the stack's own.
 */
final class UdpListener extends UDPMessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    /** Stack property: how long a request may wait for a worker, in ms ([server] sip-queue-wait-ms). */
    static final String QUEUE_WAIT = "io.pushgate.SIP_QUEUE_WAIT_MS";
    /** Stack property: memory for answers kept for retransmissions, in MB ([server] retransmission-memory-mb); 0: none. */
    static final String ANSWER_MEMORY = "io.pushgate.ANSWER_MEMORY_MB";
    /** Datagrams waiting at most; a backstop for the wait bound (a few MB of typical messages). */
    private static final int QUEUE_CAPACITY = 20_000;
    /** Final answers to non-INVITE requests, for retransmissions after their transaction; null when off. */
    private final AnsweredRequests answered;

    UdpListener(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
        super(address, stack, port);
        // What the stack's own factory sets beside its UDP listener: without it every UDP send
        // opens a new socket instead of leaving from the listening one. The field is package-private.
        try {
            Field udp = SIPTransactionStack.class.getDeclaredField("udpFlag");
            udp.setAccessible(true);
            udp.setBoolean(stack, true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this jain-sip has no SIPTransactionStack.udpFlag", e);
        }
        orderByCall();
        int mb = property(ANSWER_MEMORY, 0);
        answered = mb > 0 ? new AnsweredRequests(mb << 20) : null;
    }

    /** The answer this listener sent to the request's transaction, if it is kept; null otherwise. */
    AnsweredRequests.Answer answerTo(SIPRequest request) {
        if (answered == null || Request.INVITE.equals(request.getMethod()) || Request.ACK.equals(request.getMethod())) return null;
        return answered.get(AnsweredRequests.key(request), System.currentTimeMillis());
    }

    /** Sends a kept answer again, from the listening socket. */
    void resend(AnsweredRequests.Answer answer) throws IOException {
        sock.send(new DatagramPacket(answer.bytes(), answer.bytes().length, answer.to(), answer.port()));
    }

    // The stack sends a server transaction's responses over UDP on a channel made here.
    @Override
    public MessageChannel createMessageChannel(HostPort target) throws UnknownHostException {
        return new AnsweringChannel(target.getInetAddress(), target.getPort());
    }

    @Override
    public MessageChannel createMessageChannel(InetAddress host, int port) {
        return new AnsweringChannel(host, port);
    }

    /** A channel that keeps each final answer to a non-INVITE request it sends. */
    private final class AnsweringChannel extends UDPMessageChannel {
        AnsweringChannel(InetAddress host, int port) {
            super(host, port, UdpListener.this.sipStack, UdpListener.this);
        }

        @Override
        public void sendMessage(SIPMessage message) throws IOException {
            super.sendMessage(message);
            if (answered != null && message instanceof SIPResponse r && r.getStatusCode() >= 200 && r.getCSeq() != null
                    && !Request.INVITE.equals(r.getCSeq().getMethod())) {
                answered.put(AnsweredRequests.key(r), r.encodeAsBytes("UDP"), getPeerInetAddress(), getPeerPort(), System.currentTimeMillis());
            }
        }
    }

    /**
     * Puts a {@link CallOrderedQueue} between this listener and the workers, and points the
     * stack's congestion auditor (it drops datagrams that waited too long) at it. Both fields are
     * the stack's own, set in its constructor.
     */
    private void orderByCall() {
        CallOrderedQueue ordered = new CallOrderedQueue(1024, QUEUE_CAPACITY, property(QUEUE_WAIT, 0));
        messageQueue = ordered;
        try {
            Field field = UDPMessageProcessor.class.getDeclaredField("congestionAuditor");
            field.setAccessible(true);
            if (field.get(this) instanceof BlockingQueueDispatchAuditor old) {
                old.stop();
                BlockingQueueDispatchAuditor auditor = new BlockingQueueDispatchAuditor(ordered);
                auditor.setTimeout(sipStack.getStackCongestionControlTimeout());
                auditor.start(2000);
                field.set(this, auditor);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this jain-sip has no UDPMessageProcessor.congestionAuditor", e);
        }
    }

    @Override
    public void run() {
        int workers = workerThreads();
        if (workers <= 0) {
            // Without a worker pool the stack parses on this thread; nothing of ours to improve there.
            super.run();
            return;
        }
        messageChannels = new LinkedList<>();
        String name = ((SipStackImpl) sipStack).getStackName() + "-UDPMessageChannelThread-";
        for (int i = 0; i < workers; i++) {
            // anonymous subclasses: the constructor is protected; each channel starts its worker thread
            messageChannels.add(new UDPMessageChannel(sipStack, this, name + i) {
                @Override
                public void processMessage(SIPMessage message) {
                    ServiceGate.messageStarts();
                    try {
                        super.processMessage(message);
                    } finally {
                        ServiceGate.messageDone();
                    }
                }
            });
        }
        ThreadAuditor auditor = sipStack.getThreadAuditor();
        ThreadAuditor.ThreadHandle audit = auditor == null ? null : auditor.addCurrentThread();
        byte[] buffer = new byte[getMaximumMessageSize()];
        DatagramPacket received = new DatagramPacket(buffer, buffer.length);
        while (isRunning) {
            if (audit != null) audit.ping();
            try {
                received.setLength(buffer.length);
                sock.receive(received);
                int length = received.getLength();
                DatagramPacket packet = new DatagramPacket(Arrays.copyOf(buffer, length), length,
                        received.getAddress(), received.getPort());
                messageQueue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()));
            } catch (SocketTimeoutException e) {
                // the socket has no timeout; nothing to do if one is set
            } catch (IOException | RuntimeException e) {
                if (e instanceof SocketException && !isRunning) return; // the socket was closed to stop
                log.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e.toString());
            }
        }
    }

    private int workerThreads() {
        return property("gov.nist.javax.sip.THREAD_POOL_SIZE", -1);
    }

    private int property(String name, int otherwise) {
        String value = ((SipStackImpl) sipStack).getConfigurationProperties().getProperty(name);
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
