package io.pushgate.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.pushgate.testing.TestRequest;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.junit.Test;

/** The pipeline's contract: both directions, in their order, and wiring errors refused. */
public class RequestPipelineTest {
    private final List<String> seen = new ArrayList<>();

    private static final String OPTIONS = """
            OPTIONS sip:bob@example.com SIP/2.0
            From: <sip:alice@example.com>;tag=1
            To: <sip:bob@example.com>
            Call-ID: pipeline-1
            CSeq: 1 OPTIONS
            """;

    /** A step that records what it sees and passes everything on. */
    private RequestStep watcher(String name, boolean takesSubsequent) {
        return new RequestStep() {
            @Override
            public void handle(Exchange ex, Chain chain) throws java.io.IOException, javax.servlet.ServletException {
                seen.add(name + " request");
                chain.proceed(ex);
            }

            @Override
            public void onResponse(SipServletResponse r) {
                seen.add(name + " response");
            }

            @Override
            public boolean onSubsequent(SipServletRequest r) {
                seen.add(name + " subsequent");
                return takesSubsequent;
            }

            @Override
            public String name() { return name; }
        };
    }

    private static RequestStep answering(int status) {
        return (ex, chain) -> ex.reply(status, null);
    }

    @Test
    public void requestsGoInOrderResponsesLastStepFirstSubsequentUntilOneTakesIt() throws Exception {
        RequestPipeline p = new RequestPipeline(List.of(watcher("a", false), watcher("b", true), watcher("c", false), answering(200)));
        TestRequest req = TestRequest.of(OPTIONS);
        p.run(new Exchange(req));
        assertEquals(List.of("a request", "b request", "c request"), seen);
        assertEquals(200, req.response().getStatus());

        seen.clear();
        p.onResponse(req.response());
        assertEquals(List.of("c response", "b response", "a response"), seen);

        seen.clear();
        assertTrue(p.onSubsequent(TestRequest.of(OPTIONS)));
        assertEquals("b took it, c never saw it", List.of("a subsequent", "b subsequent"), seen);
    }

    @Test
    public void aStepThatFailsOnAResponseDoesNotKeepItFromTheOthers() throws Exception {
        RequestStep failing = new RequestStep() {
            @Override
            public void handle(Exchange ex, Chain chain) {}

            @Override
            public void onResponse(SipServletResponse r) {
                throw new IllegalStateException("broken");
            }
        };
        TestRequest req = TestRequest.of(OPTIONS);
        new RequestPipeline(List.of(answering(200))).run(new Exchange(req));
        new RequestPipeline(List.of(watcher("first", false), failing)).onResponse(req.response());
        assertEquals(List.of("first response"), seen);
    }

    @Test
    public void aStepThatAnswersAndThenPassesOnIsAWiringErrorRefusedLoudly() throws Exception {
        RequestStep both = new RequestStep() {
            @Override
            public void handle(Exchange ex, Chain chain) throws java.io.IOException, javax.servlet.ServletException {
                ex.reply(403, "No");
                chain.proceed(ex);
            }

            @Override
            public String name() { return "AnswersAndProceeds"; }
        };
        TestRequest req = TestRequest.of(OPTIONS);
        try {
            new RequestPipeline(List.of(both, watcher("after", false))).run(new Exchange(req));
            fail("accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("AnswersAndProceeds answered or proxied OPTIONS and then passed it on"));
        }
        assertFalse("the next step never ran", seen.contains("after request"));
    }

    @Test
    public void passingOnTwiceIsRefused() throws Exception {
        RequestStep twice = (ex, chain) -> {
            chain.proceed(ex);
            chain.proceed(ex);
        };
        try {
            new RequestPipeline(List.of(twice, (ex, chain) -> { })).run(new Exchange(TestRequest.of(OPTIONS)));
            fail("accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("passed OPTIONS on twice"));
        }
    }

    @Test
    public void aRequestNoStepAnsweredGets500() throws Exception {
        TestRequest req = TestRequest.of(OPTIONS);
        new RequestPipeline(List.of(watcher("only", false))).run(new Exchange(req));
        assertEquals(500, req.response().getStatus());
    }

    @Test
    public void thePipelineDescribesItselfOneNumberedLinePerStep() {
        RequestPipeline p = new RequestPipeline(List.of(watcher("First", false), new TransactionLinger(5000)));
        assertEquals(List.of("1 First", "2 TransactionLinger"), p.describe());
    }
}
