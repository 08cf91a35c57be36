package io.pushgate.testing;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestPipeline;
import io.pushgate.pipeline.RequestStep;
import java.util.List;

/**
 * One step run alone, like OkHttp's test interceptors: the request goes through the step, and a
 * last step records whether it was passed on (and with which authenticated user) instead of
 * routing it anywhere.
 */
public final class StepRun {
    public final TestRequest request;
    public final Exchange exchange;
    private boolean proceeded;

    private StepRun(TestRequest request) {
        this.request = request;
        this.exchange = new Exchange(request);
    }

    /** Runs the request through the steps given, then the recorder. */
    public static StepRun of(TestRequest request, RequestStep... steps) throws Exception {
        StepRun run = new StepRun(request);
        List<RequestStep> all = new java.util.ArrayList<>(List.of(steps));
        all.add((ex, chain) -> {
            run.proceeded = true;
            ex.dropped();
        });
        new RequestPipeline(all).run(run.exchange);
        return run;
    }

    /** Whether the steps passed the request on. */
    public boolean proceeded() { return proceeded; }

    /** The status of the response the steps sent; 0 when they sent none. */
    public int status() {
        return request.response() == null ? 0 : request.response().getStatus();
    }

    public TestResponse response() { return request.response(); }

    public RecordingProxy proxy() { return request.proxy(); }
}
