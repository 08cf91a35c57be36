package ceiling;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.ServletException;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.sip.Transaction;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;

/**
 * The least a SIP servlet on this container can do with a REGISTER, to measure what the container
 * alone costs (bench/container-ceiling.py). Mode from the system property ceiling.mode:
 * "answer" challenges a REGISTER without Authorization with a 401 and answers the other with 200,
 * checking nothing and storing nothing; "proxy" relays every REGISTER to ceiling.backend with the
 * container's proxy, without record-routing and rewriting nothing. Sessions are freed as Pushgate
 * frees them (pipeline/FinishedTransactions, gateway/FinishedRelays), so the figure is the floor of the
 * way Pushgate uses the container.
 */
@javax.servlet.sip.annotation.SipServlet(name = "ceiling", loadOnStartup = 1)
public class CeilingServlet extends SipServlet {
    private final AtomicLong nonces = new AtomicLong();
    private final ScheduledExecutorService releases = Executors.newSingleThreadScheduledExecutor();
    private boolean proxy;
    private SipURI backend;

    @Override
    public void init() throws ServletException {
        proxy = "proxy".equals(System.getProperty("ceiling.mode", "answer"));
        if (proxy) {
            SipFactory factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
            String[] hostPort = System.getProperty("ceiling.backend", "127.0.0.1:5070").split(":");
            backend = factory.createSipURI(null, hostPort[0]);
            backend.setPort(Integer.parseInt(hostPort[1]));
        }
    }

    @Override
    protected void doRegister(SipServletRequest req) throws ServletException, IOException {
        ((MobicentsSipServletMessage) req).getTransaction().setRetransmitTimer(500 / 64); // [router] non-invite-linger-ms
        if (proxy) {
            Proxy p = req.getProxy();
            p.setRecordRoute(false);
            p.setSupervised(true);
            p.proxyTo(backend);
            return;
        }
        SipServletResponse resp;
        if (req.getHeader("Authorization") == null) {
            resp = req.createResponse(401);
            resp.setHeader("WWW-Authenticate",
                    "Digest realm=\"ceiling\", nonce=\"" + nonces.incrementAndGet() + "\", qop=\"auth\", algorithm=MD5");
        } else {
            resp = req.createResponse(200);
            resp.setHeader("Contact", req.getHeader("Contact") + ";expires=3600");
        }
        resp.send();
        release(req);
        req.getApplicationSession().invalidate();
    }

    /** A relayed REGISTER's sessions go 100 ms after its final response, about when Pushgate's gateway frees them (gateway/FinishedRelays). */
    @Override
    protected void doResponse(SipServletResponse resp) {
        if (resp.getStatus() < 200) return;
        SipServletRequest received = resp.getProxy().getOriginalRequest();
        releases.schedule(() -> {
            release(received);
            release(resp);
            if (resp.getApplicationSession().isValid()) resp.getApplicationSession().invalidate();
        }, 100, TimeUnit.MILLISECONDS);
    }

    /** Detaches a message's transaction from the sessions, so invalidating them leaves it to answer retransmissions. */
    private static void release(SipServletMessage message) {
        MobicentsSipServletMessage m = (MobicentsSipServletMessage) message;
        Transaction t = m.getTransaction();
        if (t == null) return;
        m.getSipSession().removeOngoingTransaction(t);
        t.setApplicationData(null);
    }
}
