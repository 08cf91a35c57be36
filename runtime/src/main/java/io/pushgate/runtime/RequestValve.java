package io.pushgate.runtime;

import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import javax.sip.SipStack;
import javax.sip.message.Response;

/** A stack valve that looks at requests only (see {@link StackValves}); responses pass. */
abstract class RequestValve implements SIPMessageValve {
    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack stack) {}

    @Override
    public void destroy() {}
}
