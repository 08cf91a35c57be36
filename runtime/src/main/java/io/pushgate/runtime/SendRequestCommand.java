package io.pushgate.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * {@code pushgate send-request} (Kamailio's uac_req_send): sends one SIP request built from the
 * command line with its own SIP stack, waits for the final response and prints it. Exit status 0
 * for a 2xx, 1 for any other answer or none, 2 for a request that cannot be built.
 */
final class SendRequestCommand {
    static final String USAGE = """
            pushgate send-request METHOD REQUEST-URI [--from URI] [--to URI] [--header "Name: value"]...
                                  [--body-file FILE --content-type TYPE] [--proxy HOST:PORT] [--transport udp|tcp] [--timeout S]
                                  [--local-address IP]   (default: 127.0.0.1 toward loopback, else this host's address)
            """;

    private final PrintStream out;
    private final PrintStream err;

    SendRequestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.size() < 2) return usage("send-request needs METHOD and REQUEST-URI");
        String method = args.get(0).toUpperCase();
        String ruri = args.get(1);
        String from = "sip:pushgate@localhost";
        String to = null;
        List<String> headers = new ArrayList<>();
        Path bodyFile = null;
        String contentType = null;
        String proxy = null;
        String transport = "udp";
        int timeout = 32;
        String localAddress = null;
        for (int i = 2; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) return usage("option " + args.get(i) + " needs a value");
            String v = args.get(i + 1);
            switch (args.get(i)) {
                case "--from" -> from = v;
                case "--to" -> to = v;
                case "--header" -> headers.add(v);
                case "--body-file" -> bodyFile = Path.of(v);
                case "--content-type" -> contentType = v;
                case "--proxy" -> proxy = v;
                case "--transport" -> transport = v.toLowerCase();
                case "--timeout" -> timeout = Integer.parseInt(v);
                case "--local-address" -> localAddress = v;
                default -> {
                    return usage("unknown option " + args.get(i));
                }
            }
        }
        if (!transport.equals("udp") && !transport.equals("tcp")) return usage("--transport is udp or tcp");
        SipStack stack = null;
        try {
            SipFactory sip = SipFactory.getInstance();
            sip.setPathName("gov.nist");
            AddressFactory addresses = sip.createAddressFactory();
            HeaderFactory hf = sip.createHeaderFactory();
            MessageFactory mf = sip.createMessageFactory();
            URI target = addresses.createURI(ruri);
            Address fromAddress = addresses.createAddress(from);
            Address toAddress = addresses.createAddress(to != null ? to : ruri);
            Properties p = new Properties();
            p.setProperty("javax.sip.STACK_NAME", "pushgate-send-request-" + ProcessHandle.current().pid());
            p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
            String local = localAddress != null ? localAddress
                    : isLoopback(target, proxy) ? "127.0.0.1" : InetAddress.getLocalHost().getHostAddress();
            stack = sip.createSipStack(p);
            int port;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName(local))) {
                port = probe.getLocalPort();
            }
            ListeningPoint lp = stack.createListeningPoint(local, port, transport);
            SipProvider provider = stack.createSipProvider(lp);
            BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(4);
            provider.addSipListener(new Waiter(outcome));

            CallIdHeader callId = provider.getNewCallId();
            List<ViaHeader> via = List.of(hf.createViaHeader(local, port, transport, null));
            Request req = mf.createRequest(target, method, callId, hf.createCSeqHeader(1L, method),
                    hf.createFromHeader(fromAddress, Long.toHexString(System.nanoTime())), hf.createToHeader(toAddress, null), via,
                    hf.createMaxForwardsHeader(70));
            SipURI contact = addresses.createSipURI("pushgate", local);
            contact.setPort(port);
            req.addHeader(hf.createContactHeader(addresses.createAddress(contact)));
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon <= 0) return usage("--header \"Name: value\", got " + h);
                req.addHeader(hf.createHeader(h.substring(0, colon).strip(), h.substring(colon + 1).strip()));
            }
            if (bodyFile != null) {
                if (contentType == null || !contentType.contains("/")) return usage("--body-file needs --content-type TYPE/SUBTYPE");
                String[] ct = contentType.split("/", 2);
                req.setContent(Files.readAllBytes(bodyFile), hf.createContentTypeHeader(ct[0], ct[1]));
            }
            if (proxy != null) {
                SipURI route = addresses.createSipURI(null, proxy.replaceFirst("^sips?:", "").replaceFirst(":\\d+$", ""));
                if (proxy.matches(".*:\\d+$")) route.setPort(Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1)));
                route.setLrParam();
                req.addHeader(hf.createRouteHeader(addresses.createAddress(route)));
            }
            ClientTransaction tx = provider.getNewClientTransaction(req);
            tx.sendRequest();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            while (true) {
                Object o = outcome.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (o == null || o instanceof TimeoutEvent) {
                    err.println("pushgate: no final response within " + timeout + " s");
                    return 1;
                }
                if (o instanceof Response r && r.getStatusCode() >= 200) {
                    out.print(r);
                    return r.getStatusCode() < 300 ? 0 : 1;
                }
                if (o instanceof Exception e) {
                    err.println("pushgate: " + e.getMessage());
                    return 1;
                }
            }
        } catch (java.text.ParseException | IllegalArgumentException e) {
            return usage("cannot build the request: " + e.getMessage());
        } catch (Exception e) {
            err.println("pushgate: request not sent: " + e);
            return 1;
        } finally {
            if (stack != null) stack.stop();
        }
    }

    private static boolean isLoopback(URI target, String proxy) {
        String host = proxy != null ? proxy : target instanceof SipURI s ? s.getHost() : "";
        return host.startsWith("127.") || host.startsWith("localhost") || host.startsWith("[::1]");
    }

    private int usage(String why) {
        err.println("pushgate: " + why);
        err.print(USAGE);
        return 2;
    }

    /** Hands the stack's events to the waiting command. */
    private record Waiter(BlockingQueue<Object> outcome) implements SipListener {
        @Override public void processResponse(ResponseEvent e) { outcome.offer(e.getResponse()); }
        @Override public void processTimeout(TimeoutEvent e) { outcome.offer(e); }
        @Override public void processIOException(IOExceptionEvent e) { outcome.offer(new IOException("transport error toward " + e.getHost() + ":" + e.getPort())); }
        @Override public void processRequest(RequestEvent e) { }
        @Override public void processTransactionTerminated(TransactionTerminatedEvent e) { }
        @Override public void processDialogTerminated(DialogTerminatedEvent e) { }
    }
}
