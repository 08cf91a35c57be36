package io.pushgate.runtime;

import com.google.gson.JsonObject;
import java.time.Instant;
import org.apache.log4j.Layout;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;

/**
 * {@code [server] log-format = json}: one JSON object per line, for log shippers. The call-id and
 * user come from the MDC, where the server puts them while it handles a SIP message.
 */
final class JsonLogLayout extends Layout {
    @Override
    public String format(LoggingEvent event) {
        JsonObject o = new JsonObject();
        o.addProperty("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        o.addProperty("level", event.getLevel().toString());
        o.addProperty("logger", event.getLoggerName());
        o.addProperty("thread", event.getThreadName());
        o.addProperty("message", event.getRenderedMessage());
        for (String key : new String[] {"call-id", "user"}) {
            Object v = event.getMDC(key);
            if (v != null) o.addProperty(key, v.toString());
        }
        ThrowableInformation t = event.getThrowableInformation();
        if (t != null && t.getThrowableStrRep() != null) o.addProperty("exception", String.join("\n", t.getThrowableStrRep()));
        return o + System.lineSeparator();
    }

    @Override
    public boolean ignoresThrowable() {
        return false;
    }

    @Override
    public void activateOptions() {}
}
